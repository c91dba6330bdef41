// Holds each deployment's phase state and applies the phase model's
// transitions: the status book gets the phase, its revision and error text
// (the heartbeat goes out at once when they change), the event ring what the
// transition says to record.
import type { EventRing } from "../status/event-ring.js";
import type { StatusBook } from "../status/status-book.js";
import { afterExit, nextPhase, type PhaseEvent, type PhaseState } from "./phase-model.js";

export class DeploymentPhases {
  readonly #states = new Map<string, PhaseState>();
  readonly #book: StatusBook;
  readonly #ring: EventRing;

  constructor(book: StatusBook, ring: EventRing) {
    this.#book = book;
    this.#ring = ring;
  }

  get(key: string): PhaseState | undefined {
    return this.#states.get(key);
  }

  apply(key: string, event: PhaseEvent): void {
    const { state, record } = nextPhase(this.#states.get(key), event);
    this.#states.set(key, state);
    this.#book.set(key, state);
    if (record !== undefined) this.#ring.record({ ...record, deployment: key });
  }

  /** A unit exited out of band (podman's event): a Running deployment is Failed at once. */
  exited(key: string, problem: string): void {
    const current = this.#states.get(key);
    if (current === undefined) return;
    const state = afterExit(current, problem);
    if (state === current) return;
    this.#states.set(key, state);
    this.#book.set(key, state);
  }

  /** The deployment is gone from this device: no phase to report any more. */
  remove(key: string): void {
    this.#states.delete(key);
    this.#book.remove(key);
  }
}
