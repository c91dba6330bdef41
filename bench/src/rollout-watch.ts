// The rollout as the API server shows it: one watch of a Deployment's CR that
// notes when each batch of a revision was first seen started and first seen
// judged, waits for a phase, and checks the prefix rule on every status it
// sees: the devices holding the target revision (from the desired-state
// trail) never outnumber the batches started so far. A status is recorded
// before any device is written for it (write-ahead), and a batch passes only
// after its devices ran the revision (the simulated restart takes at least
// half of updateMs), so a status event that arrives late by less than that
// cannot be mistaken for a breach.
import type { RolloutStatus } from "@fleet/contracts";
import type { Cluster } from "./cluster.js";
import { PartError } from "./errors.js";
import type { RevisionTrail } from "./revision-trail.js";

export interface BatchTimes {
  /** performance.now() when the batch was first seen InProgress (or later). */
  startedAt?: number;
  /** When it was first seen Succeeded or Failed. */
  judgedAt?: number;
  /** Devices holding the target when the batch was first seen started / judged. */
  holdersAtStart?: number;
  holdersAtJudged?: number;
}

export interface PrefixBreach {
  batch: number;
  holders: number;
  allowed: number;
}

interface Waiter {
  test: (rollout: RolloutStatus) => boolean;
  resolve: (at: number) => void;
  timer: NodeJS.Timeout | undefined;
}

export class RolloutWatch {
  latest: RolloutStatus | undefined;
  /** Statuses seen (CR events carrying status.rollout). */
  events = 0;
  readonly breaches: PrefixBreach[] = [];
  readonly #batches = new Map<string, BatchTimes>();
  readonly #waiters = new Set<Waiter>();
  #stop: () => void = () => undefined;

  private constructor(private readonly trail: RevisionTrail) {}

  static async open(
    cluster: Cluster,
    namespace: string,
    name: string,
    trail: RevisionTrail,
  ): Promise<RolloutWatch> {
    const watch = new RolloutWatch(trail);
    watch.#stop = await cluster.watch(namespace, (type, object) => {
      const rollout = object.status?.rollout;
      if (type === "DELETED" || object.metadata.name !== name || rollout === undefined) return;
      watch.#seen(rollout, performance.now());
    });
    return watch;
  }

  #seen(rollout: RolloutStatus, at: number): void {
    this.latest = rollout;
    this.events += 1;
    const holders = this.trail.holders(rollout.revision);
    let allowed = 0;
    rollout.batches.forEach((batch, index) => {
      if (batch.state === "Pending") return;
      allowed += batch.devices;
      const times = this.times(rollout.revision, index + 1);
      if (times.startedAt === undefined) {
        times.startedAt = at;
        times.holdersAtStart = holders;
      }
      if (
        (batch.state === "Succeeded" || batch.state === "Failed") &&
        times.judgedAt === undefined
      ) {
        times.judgedAt = at;
        times.holdersAtJudged = holders;
      }
    });
    // A rollout with no stable revision gives every device the target at once.
    const unstaged = rollout.stableRevision === undefined;
    if (!unstaged && holders > allowed) {
      this.breaches.push({ batch: rollout.currentBatch, holders, allowed });
    }
    for (const waiter of this.#waiters) if (waiter.test(rollout)) waiter.resolve(at);
  }

  /** The times of batch `batch` (1-based) of `revision`. */
  times(revision: number, batch: number): BatchTimes {
    const key = `${revision}/${batch}`;
    let times = this.#batches.get(key);
    if (times === undefined) {
      times = {};
      this.#batches.set(key, times);
    }
    return times;
  }

  /** Resolves with the time (performance.now) of the first status satisfying `test`. */
  until(
    test: (rollout: RolloutStatus) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<number> {
    if (this.latest !== undefined && test(this.latest)) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new PartError(
            `rollout not ${what} within ${timeoutMs} ms; last seen: ${this.latest?.message ?? "no status.rollout"}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        test,
        resolve: (at) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(at);
        },
        timer,
      };
      this.#waiters.add(waiter);
    });
  }

  /** Stops the watch; a wait still pending then never settles (and holds no timer). */
  close(): void {
    this.#stop();
    for (const waiter of this.#waiters) clearTimeout(waiter.timer);
    this.#waiters.clear();
  }
}
