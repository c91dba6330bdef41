// Serializes work per key: one run at a time per key, and any number of
// requests while it runs collapse into one more run afterwards. Different keys
// run concurrently. With level-triggered work this is all the ordering needed.

export class KeyedQueue {
  readonly #worker: (key: string) => Promise<void>;
  readonly #onError: (key: string, error: unknown) => void;
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();

  constructor(
    worker: (key: string) => Promise<void>,
    onError: (key: string, error: unknown) => void,
  ) {
    this.#worker = worker;
    this.#onError = onError;
  }

  enqueue(key: string): void {
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    this.#running.set(key, this.#drain(key));
  }

  async #drain(key: string): Promise<void> {
    do {
      this.#again.delete(key);
      try {
        await this.#worker(key);
      } catch (error) {
        this.#onError(key, error);
      }
    } while (this.#again.has(key));
    this.#running.delete(key);
  }

  /** Resolves when no key has work running or pending. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }
}
