// Makes the device match one desired-state key, whatever its score kind.
// Level-triggered and idempotent: each run asks every runtime what it holds
// for the key, hands the desired score to its kind's runtime (the others give
// up what they hold: a kind change replaces the workload), and writes status
// last, from what is true after acting, through the phase model
// (phase-model.ts), which keeps a retried failure Failed between attempts.
// Every phase is reported with the revision of the entry it is about.
import { SCORE_KINDS, scoreKind, type ScoreKind } from "@fleet/contracts";
import type { Runtimes } from "../runtime/runtimes.js";
import type { HeldWorkload } from "../runtime/score-runtime.js";
import type { EventRing } from "../status/event-ring.js";
import type { StatusBook } from "../status/status-book.js";
import type { Desired, DesiredStore } from "./desired-store.js";
import { DeploymentPhases } from "./deployment-phases.js";
import type { FailedAttempt } from "./phase-model.js";

export interface ReconcilerDeps {
  store: DesiredStore;
  book: StatusBook;
  ring: EventRing;
  runtimes: Runtimes;
}

type Valid = Extract<Desired, { kind: "valid" }>;
type Held = ReadonlyMap<ScoreKind, HeldWorkload>;
/** The desired state an attempt set out to apply (undefined: none known). */
interface Attempted {
  hash: string | undefined;
  revision: number | undefined;
}

const namesOf = (held: Held): string[] => [...held.values()].flatMap((w) => w.names);

async function superviseAll(held: Held): Promise<string[]> {
  const problems: string[] = [];
  for (const workload of held.values()) problems.push(...(await workload.supervise()));
  return problems;
}

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #phases: DeploymentPhases;
  /** The desired state each key's latest attempt set out to apply. */
  readonly #attempted = new Map<string, Attempted>();

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#phases = new DeploymentPhases(deps.book, deps.ring);
  }

  /** The payload hash the latest attempt for `key` set out to apply (undefined: none). */
  attemptedHash(key: string): string | undefined {
    return this.#attempted.get(key)?.hash;
  }

  /** A reconcile of `key` threw: it stays (or goes) Failed with the error and the retry time. */
  failed(key: string, failure: FailedAttempt): void {
    // About the desired state that attempt worked on, even if a newer one arrived meanwhile.
    const { hash, revision } = this.#attempted.get(key) ?? {};
    this.#phases.apply(key, { type: "attemptFailed", hash, revision, ...failure });
  }

  /** A unit of `key` exited out of band: reported at once, ahead of the reconcile that follows. */
  exited(key: string, problem: string): void {
    this.#phases.exited(key, problem);
  }

  async reconcile(key: string): Promise<void> {
    const { store } = this.#deps;
    // Read first: whatever fails below fails for this desired state.
    const desired = store.get(key);
    this.#attempted.set(key, { hash: desired?.hash, revision: desired?.revision });
    const held = await this.#held(key);
    if (desired === undefined && !store.synced) {
      // KV not read yet (e.g. booted without NATS): keep what runs running, remove nothing.
      const problems = await superviseAll(held);
      if (namesOf(held).length > 0)
        this.#phases.apply(key, { type: "settled", hash: undefined, problems });
      return;
    }
    if (desired === undefined) {
      await this.#removeAll(key, held);
      return;
    }
    if (desired.kind === "invalid") {
      // Whatever already runs for this key keeps running (and is still looked after).
      await superviseAll(held);
      const { hash, revision, error } = desired;
      this.#phases.apply(key, { type: "invalid", hash, revision, error });
      return;
    }
    await this.#converge(key, desired, held);
  }

  async #held(key: string): Promise<Held> {
    const held = new Map<ScoreKind, HeldWorkload>();
    for (const kind of SCORE_KINDS) held.set(kind, await this.#deps.runtimes[kind].held(key));
    return held;
  }

  async #removeAll(key: string, held: Held): Promise<void> {
    for (const workload of held.values()) await workload.remove();
    const names = namesOf(held);
    if (names.length > 0) {
      const message = `deployment deleted: removed ${names.join(", ")}`;
      this.#deps.ring.record({ severity: "Info", message, deployment: key });
    }
    this.#phases.remove(key);
    this.#attempted.delete(key);
  }

  async #converge(key: string, desired: Valid, held: Held): Promise<void> {
    const { score, deployment } = desired.entry;
    const { hash, revision } = desired;
    const kind = scoreKind(score);
    const target = held.get(kind);
    if (target === undefined) throw new TypeError(`no runtime for score kind ${kind}`);
    // A kind change: what another kind's runtime holds for this key gives way.
    for (const workload of held.values()) if (workload !== target) await workload.remove();
    const problems = await target.converge(
      // Marked with the workload hash: an entry that only renumbers (revision,
      // generation) finds its containers current and keeps them running.
      {
        key,
        hash: desired.workloadHash,
        bytesHash: hash,
        generation: deployment.generation,
        score,
      },
      {
        applying: (missing) => {
          this.#phases.apply(key, { type: "applying", hash, revision, missingServices: missing });
        },
      },
    );
    this.#phases.apply(key, { type: "settled", hash, revision, problems });
  }
}
