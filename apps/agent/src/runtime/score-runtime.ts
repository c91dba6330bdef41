// The seam between the reconciler, which knows no score kind, and what runs a
// score on the device: one ScoreRuntime per kind (runtimes.ts), each in a
// folder of its own (podman-v0/). The reconciler decides when (per key,
// serialized, status written last); a runtime knows how: what it holds for a
// key, how to converge, look after and remove it, and which of its own events
// should reconcile a key. docs/agent.md ("Adding a score kind") is the recipe.
import type { Score, ScoreKind } from "@fleet/contracts";
import type { AgentConfig } from "../config/settings.js";
import type { Logger } from "../logger.js";
import type { EventRing } from "../status/event-ring.js";

/** What a key's desired state asks a runtime to run. */
export interface DesiredRun {
  key: string;
  /**
   * The entry's workload hash (runtime/payload-hash.ts): mark what is created
   * with it; what carries it is current, whatever the entry's revision.
   */
  hash: string;
  /** sha256 of the exact KV value: what agents before revisions marked with; also current. */
  bytesHash: string;
  generation: number;
  /** A score of the runtime's own kind: the reconciler hands each score to its kind's runtime. */
  score: Score;
}

export interface ConvergeHooks {
  /** Called once, before anything changes, with the units about to be (re)started. */
  applying(missing: readonly string[]): void;
}

/** What one runtime runs on this device for one key, as found when the reconcile began. */
export interface HeldWorkload {
  /** What runs (container names, ...), for messages; empty when nothing does. */
  readonly names: readonly string[];
  /** Looks after what runs (restarts what exited); returns what keeps it from Running. */
  supervise(): Promise<string[]>;
  /** Removes all of it. */
  remove(): Promise<void>;
  /** Makes the device run `desired`, replacing what differs; returns what keeps it from Running. */
  converge(desired: DesiredRun, hooks: ConvergeHooks): Promise<string[]>;
}

/** How a runtime's own events reach the reconciler. */
export interface RuntimeTriggers {
  /** Something of `key` changed out of band (a container exited or was removed). */
  changed(key: string): void;
  /**
   * A unit of `key` exited out of band; `problem` says how (exit code, signal).
   * Reported at once, ahead of the reconcile that `changed` asks for.
   */
  exited(key: string, problem: string): void;
  /** The event source (re)opened: events may have been missed meanwhile. */
  opened(): void;
}

export interface ScoreRuntime<K extends ScoreKind> {
  readonly kind: K;
  /** What this runtime runs for `key` on this device (nothing is an empty workload). */
  held(key: string): Promise<HeldWorkload>;
  /** Every key this runtime runs something for on this device (the resync's other half). */
  heldKeys(): Promise<string[]>;
  /** Follows the runtime's own events until `signal` aborts; never throws. */
  follow(triggers: RuntimeTriggers, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** What every runtime is built from. */
export interface RuntimeDeps {
  config: AgentConfig;
  ring: EventRing;
  logger: Logger;
  /** Reconcile `key` again after `delayMs` (a restart backoff, a settling container). */
  retryLater: (key: string, delayMs: number) => void;
  now: () => number;
}
