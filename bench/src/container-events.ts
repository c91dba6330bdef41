// One podman event stream per benchmark; waiters are registered before the
// action they time, so an event can never be missed between the two.
import { PartError } from "./errors.js";
import type { Podman, PodmanEvent } from "./podman.js";

interface Waiter {
  matches: (event: PodmanEvent) => boolean;
  resolve: (event: PodmanEvent) => void;
}

export class ContainerEvents {
  readonly #waiters = new Set<Waiter>();
  readonly #abort = new AbortController();

  static async open(podman: Podman): Promise<ContainerEvents> {
    const events = new ContainerEvents();
    await podman.follow((event) => {
      for (const waiter of events.#waiters) if (waiter.matches(event)) waiter.resolve(event);
    }, events.#abort.signal);
    return events;
  }

  /** Resolves with the first event matching from now on. */
  next(
    matches: (event: PodmanEvent) => boolean,
    timeoutMs = 60_000,
    what = "event",
  ): Promise<PodmanEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new PartError(`no podman ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: (event) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(event);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#abort.abort();
  }
}
