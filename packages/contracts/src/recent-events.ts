// A bounded, de-duplicated, newest-first list of events. Offering N events
// costs O(N * limit) at worst and O(N) typically, instead of sorting them all.
import type { AggregateEvent } from "./deployment-status.js";

interface Ranked {
  ms: number;
  id: string;
  event: AggregateEvent;
}

/** Newest first; equal times ordered by device, then message, so output is deterministic. */
function before(a: Ranked, b: Ranked): boolean {
  if (a.ms !== b.ms) return a.ms > b.ms;
  return a.id < b.id;
}

export class RecentEvents {
  readonly #limit: number;
  readonly #items: Ranked[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Returns false when the event is too old to ever enter the list. */
  offer(event: AggregateEvent): boolean {
    const ranked: Ranked = {
      ms: Date.parse(event.at),
      id: `${event.device}\u0000${event.message}\u0000${event.severity}`,
      event,
    };
    const last = this.#items.at(-1);
    if (this.#items.length >= this.#limit && last !== undefined && !before(ranked, last)) {
      return false;
    }
    if (this.#items.some((item) => item.ms === ranked.ms && item.id === ranked.id)) return true;
    const index = this.#items.findIndex((item) => before(ranked, item));
    this.#items.splice(index < 0 ? this.#items.length : index, 0, ranked);
    if (this.#items.length > this.#limit) this.#items.pop();
    return true;
  }

  list(): AggregateEvent[] {
    return this.#items.map((item) => item.event);
  }
}
