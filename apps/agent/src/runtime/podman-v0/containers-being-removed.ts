// Containers the agent itself is removing (an upgrade's remove-then-create, a
// deleted deployment). podman reports their end with the same `died` event as
// an out-of-band kill; this tells the two apart, so an upgrade never flashes
// Failed. An id is forgotten when podman reports it removed, or after a while
// in case that event was missed (the stream reopened meanwhile).

const FORGET_AFTER_MS = 60_000;

export class ContainersBeingRemoved {
  readonly #ids = new Map<string, NodeJS.Timeout>();

  add(id: string): void {
    clearTimeout(this.#ids.get(id));
    const timer = setTimeout(() => this.#ids.delete(id), FORGET_AFTER_MS);
    timer.unref();
    this.#ids.set(id, timer);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** podman reported the container removed. */
  done(id: string): void {
    clearTimeout(this.#ids.get(id));
    this.#ids.delete(id);
  }
}
