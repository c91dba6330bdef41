// A Deployment's numbered revisions, kept as ControllerRevisions (@fleet/kube
// RevisionClient). Every distinct score is one revision: the first time the
// operator sees a score it creates the revision numbered one above the
// highest; a score seen before (a spec reverted) gets its old number back.
// The revisions of a CR are listed once (first sight, or a resync) and then
// kept in memory: a reconcile of an unchanged CR costs no API call. The newest
// REVISION_HISTORY_LIMIT are kept, never the stable or target one removed.
// Nothing garbage-collects by owner reference in every cluster (the local
// platform has no controller-manager), so the store deletes a CR's revisions
// itself when the CR goes, and those of an earlier CR of the same name.
import {
  canonicalJson,
  encodeDesiredState,
  REVISION_HISTORY_LIMIT,
  type Score,
} from "@fleet/contracts";
import {
  isConflict,
  revisionHashOf,
  revisionManifest,
  revisionName,
  type RevisionClient,
  type StoredRevision,
} from "@fleet/kube";
import { LeadershipLostError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { DesiredEntry } from "../nats/desired-state-writer.js";

/** One revision of a CR, with the desired-state entry devices holding it get. */
export interface Revision {
  number: number;
  hash: string;
  /** The ControllerRevision's name. */
  name: string;
  /** The CR generation that created it (entries carry it, not the CR's current one). */
  generation: number;
  score: Score;
  entry: DesiredEntry;
}

/** What the store needs to know of a valid CR. */
export interface RevisionSubject {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  score: Score;
}

export interface ResolvedRevisions {
  target: Revision;
  /** Every known revision of the CR, by number (the target included). */
  byNumber: ReadonlyMap<number, Revision>;
}

export type RevisionApi = Pick<
  RevisionClient,
  "listOf" | "listAll" | "create" | "renumber" | "find" | "deleteIfPresent"
>;

export interface RevisionStoreOptions {
  historyLimit?: number;
  /** False once leadership is gone: nothing is created or deleted then. */
  canWrite: () => boolean;
}

interface Known {
  uid: string;
  byNumber: Map<number, Revision>;
  byHash: Map<string, Revision>;
  /** Revision numbers present in the cluster, parsed or not (new numbers go above them all). */
  maxNumber: number;
}

function entryOf(subject: RevisionSubject, number: number, generation: number, score: Score) {
  const { namespace, name, uid } = subject;
  return {
    revision: number,
    payload: encodeDesiredState({
      schemaVersion: 1,
      deployment: { namespace, name, uid, generation },
      revision: number,
      score,
    }),
  };
}

export class RevisionStore {
  readonly #api: RevisionApi;
  readonly #log: Logger;
  readonly #historyLimit: number;
  readonly #canWrite: () => boolean;
  /** By `<namespace>/<name>`. */
  readonly #known = new Map<string, Known>();

  constructor(api: RevisionApi, log: Logger, options: RevisionStoreOptions) {
    this.#api = api;
    this.#log = log;
    this.#historyLimit = options.historyLimit ?? REVISION_HISTORY_LIMIT;
    this.#canWrite = options.canWrite;
  }

  /** Revisions of the CR in memory, if listed (no API call). */
  known(namespace: string, name: string): ReadonlyMap<number, Revision> | undefined {
    return this.#known.get(`${namespace}/${name}`)?.byNumber;
  }

  /** The next resolve lists the CR's revisions again (a resync: someone may have changed them). */
  invalidate(namespace: string, name: string): void {
    this.#known.delete(`${namespace}/${name}`);
  }

  /**
   * The revision of the CR's score, created if new, renumbered if an older
   * one comes back (unless it is in `keep`); then the history is cut to the
   * limit, keeping the target and `keep` (the stable and current revisions).
   */
  async resolve(subject: RevisionSubject, keep: readonly number[]): Promise<ResolvedRevisions> {
    const key = `${subject.namespace}/${subject.name}`;
    let known = this.#known.get(key);
    if (known?.uid !== subject.uid) {
      known = await this.#list(subject);
      this.#known.set(key, known);
    }
    const hash = revisionHashOf(subject.score);
    let target = known.byHash.get(hash);
    if (target === undefined) {
      target = await this.#create(subject, known, hash);
      await this.#prune(subject, known, [target.number, ...keep]);
    } else if (target.number < known.maxNumber && !keep.includes(target.number)) {
      // An older score applied again (say, one that was rolled back) is a new
      // rollout: a new number, so a rollback or approval still naming its old
      // number cannot act on it. The stable revision (a revert) and the
      // current target keep theirs.
      target = await this.#renumber(subject, known, target);
    }
    return { target, byNumber: known.byNumber };
  }

  /** Deletes every revision of the CR (it is being deleted); returns how many went. */
  async removeAll(namespace: string, name: string): Promise<number> {
    this.#known.delete(`${namespace}/${name}`);
    let removed = 0;
    for (const stored of await this.#api.listOf(namespace, name)) {
      this.#guard();
      if (await this.#api.deleteIfPresent(namespace, stored.name)) removed++;
    }
    return removed;
  }

  /**
   * Deletes the revisions whose Deployment no longer exists (deleted while no
   * operator ran, or its finalizer removed by hand); `exists` reads the live
   * watch cache by `<namespace>/<name>`. Returns how many went.
   */
  async removeOrphans(
    namespace: string | undefined,
    exists: (key: string) => boolean,
  ): Promise<number> {
    let removed = 0;
    for (const stored of await this.#api.listAll(namespace)) {
      if (stored.owner === undefined) continue; // not one of ours after all
      if (exists(`${stored.namespace}/${stored.owner.name}`)) continue;
      this.#guard();
      if (await this.#api.deleteIfPresent(stored.namespace, stored.name)) removed++;
    }
    return removed;
  }

  /** Forgets the CR without touching the cluster. */
  forget(namespace: string, name: string): void {
    this.#known.delete(`${namespace}/${name}`);
  }

  async #list(subject: RevisionSubject): Promise<Known> {
    const known: Known = { uid: subject.uid, byNumber: new Map(), byHash: new Map(), maxNumber: 0 };
    for (const stored of await this.#api.listOf(subject.namespace, subject.name)) {
      if (stored.owner?.uid !== subject.uid) {
        // Left by an earlier CR of this name (deleted while no operator ran).
        this.#guard();
        await this.#api.deleteIfPresent(subject.namespace, stored.name);
        this.#log.info(
          { namespace: subject.namespace, name: subject.name, revision: stored.name },
          "removed a revision of an earlier deployment of the same name",
        );
        continue;
      }
      known.maxNumber = Math.max(known.maxNumber, stored.revision);
      this.#remember(subject, known, stored);
    }
    return known;
  }

  #remember(subject: RevisionSubject, known: Known, stored: StoredRevision): Revision | undefined {
    const { data } = stored;
    if (data === undefined || stored.hash === undefined) {
      this.#log.warn(
        {
          namespace: subject.namespace,
          name: subject.name,
          revision: stored.name,
          err: stored.problem,
        },
        "ignoring a revision that cannot be read",
      );
      return undefined;
    }
    // The hash label is only trusted when it is the hash of the data's score.
    if (revisionHashOf(data.score) !== stored.hash) {
      this.#log.warn(
        { namespace: subject.namespace, name: subject.name, revision: stored.name },
        "ignoring a revision whose hash label does not match its score",
      );
      return undefined;
    }
    const revision: Revision = {
      number: stored.revision,
      hash: stored.hash,
      name: stored.name,
      generation: data.generation,
      score: data.score,
      entry: entryOf(subject, stored.revision, data.generation, data.score),
    };
    known.byNumber.set(revision.number, revision);
    if (!known.byHash.has(revision.hash)) known.byHash.set(revision.hash, revision);
    return revision;
  }

  async #renumber(subject: RevisionSubject, known: Known, revision: Revision): Promise<Revision> {
    this.#guard();
    const stored = await this.#api.renumber(subject.namespace, revision.name, known.maxNumber + 1);
    known.byNumber.delete(revision.number);
    known.byHash.delete(revision.hash);
    known.maxNumber = Math.max(known.maxNumber, stored.revision);
    const renumbered = this.#remember(subject, known, stored);
    if (renumbered === undefined) throw new Error(`revision ${stored.name} cannot be read back`);
    this.#log.info(
      {
        namespace: subject.namespace,
        name: subject.name,
        from: revision.number,
        revision: renumbered.number,
      },
      "an earlier score applied again: renumbered",
    );
    return renumbered;
  }

  async #create(subject: RevisionSubject, known: Known, hash: string): Promise<Revision> {
    this.#guard();
    const manifest = revisionManifest({
      namespace: subject.namespace,
      deployment: subject.name,
      uid: subject.uid,
      hash,
      revision: known.maxNumber + 1,
      data: { score: subject.score, generation: subject.generation },
    });
    let stored: StoredRevision;
    try {
      stored = await this.#api.create(manifest);
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Already there (created by a run whose answer was lost): use it if it is ours.
      const existing = await this.#api.find(subject.namespace, revisionName(subject.name, hash));
      if (existing?.owner?.uid !== subject.uid) throw error;
      stored = existing;
    }
    known.maxNumber = Math.max(known.maxNumber, stored.revision);
    const revision = this.#remember(subject, known, stored);
    if (revision === undefined || canonicalJson(revision.score) !== canonicalJson(subject.score))
      throw new Error(`revision ${stored.name} does not hold the score it was created for`);
    this.#log.info(
      { namespace: subject.namespace, name: subject.name, revision: revision.number, hash },
      "new revision",
    );
    return revision;
  }

  async #prune(subject: RevisionSubject, known: Known, keep: readonly number[]): Promise<void> {
    const numbers = [...known.byNumber.keys()].sort((a, b) => b - a);
    if (numbers.length <= this.#historyLimit) return;
    const kept = new Set([...numbers.slice(0, this.#historyLimit), ...keep]);
    for (const number of numbers) {
      if (kept.has(number)) continue;
      const revision = known.byNumber.get(number);
      if (revision === undefined) continue;
      this.#guard();
      await this.#api.deleteIfPresent(subject.namespace, revision.name);
      known.byNumber.delete(number);
      if (known.byHash.get(revision.hash) === revision) known.byHash.delete(revision.hash);
    }
  }

  #guard(): void {
    if (!this.#canWrite())
      throw new LeadershipLostError("not the leader: refusing to write revisions");
  }
}
