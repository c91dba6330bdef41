// The IdP's clock, as far as this side can tell. A device's clock may be
// minutes off (no RTC, no NTP yet after boot), and an IdP refuses an
// assertion issued in its future or already expired by its own clock (Zitadel
// and the local IdP allow about 30 s), so such a device could never get a
// token. Every answer of the IdP carries a Date header (RFC 9110 §6.6.1): the
// assertion is dated by that clock once the two differ by more than a couple
// of seconds (the header has whole seconds, so a smaller difference is noise).

/** Differences up to this are left alone: the Date header's resolution, plus latency. */
export const IGNORED_CLOCK_SKEW_MS = 2_000;

export class ServerClock {
  readonly #localNow: () => number;
  #offsetMs = 0;

  constructor(localNow: () => number) {
    this.#localNow = localNow;
  }

  /** Learns the server's time from a Date header received just now; ignores a missing or malformed one. */
  observe(dateHeader: string | null): void {
    if (dateHeader === null) return;
    const serverMs = Date.parse(dateHeader);
    if (Number.isNaN(serverMs)) return;
    // The header truncates to the second: the middle of that second is the best guess.
    const offsetMs = serverMs + 500 - this.#localNow();
    this.#offsetMs = Math.abs(offsetMs) > IGNORED_CLOCK_SKEW_MS ? offsetMs : 0;
  }

  /** How far the server's clock is ahead of ours (negative: behind); 0 while within the noise. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** The server's time now, by our clock corrected with the last Date header seen. */
  now(): number {
    return this.#localNow() + this.#offsetMs;
  }
}
