// Spaces writes out to at most `perSecond`: the registrar's first pass over
// a large fleet (every Device's phase written once) must not flood the API
// server. Callers wait their turn; turns are handed out in call order.
import { setTimeout as delay } from "node:timers/promises";

export class Pacer {
  readonly #intervalMs: number;
  #nextAt = 0;

  constructor(perSecond: number) {
    this.#intervalMs = 1000 / perSecond;
  }

  /** Resolves when the caller may write. */
  async turn(now: number = Date.now()): Promise<void> {
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + this.#intervalMs;
    if (at > now) await delay(at - now);
  }
}
