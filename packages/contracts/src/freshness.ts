// When a device counts as online: the one rule the operator (CR status) and the
// dashboard (live rows) share, so a page never shows a device as both.
//
// Time is judged on the RECEIVING side. A device's clock may be minutes off, so
// its claimed heartbeat time never decides freshness: the time the heartbeat
// was received does, on the receiver's clock. The claimed time is only shown,
// and then clamped so that it is never later than the receipt.

/** A device is offline (unreported) once this many heartbeat periods pass without a heartbeat. */
export const OFFLINE_AFTER_PERIODS = 3;

/** The freshness window for a heartbeat period: OFFLINE_AFTER_PERIODS periods. */
export function offlineAfterMs(heartbeatPeriodMs: number): number {
  return OFFLINE_AFTER_PERIODS * heartbeatPeriodMs;
}

/** The parts of a NATS KV watch entry that tell a replayed value from a live one (structural: no NATS import). */
export interface WatchedEntry {
  /** The server's timestamp of the stored value. */
  readonly created: Date;
  /** Messages still pending on the watch's consumer after this one (nats.js may leave it out: none). */
  readonly delta?: number | undefined;
}

/**
 * Tells the values a KV watch replays when it opens (the last value of every
 * key, possibly old) from live updates. The replay ends with the first entry
 * that has nothing pending after it. nats.js's own `isUpdate` cannot be used:
 * it marks the replay's LAST value as an update, which dated the last device
 * to report "now" at every reopen, so a silent device never went offline.
 */
export class WatchReplay {
  #replaying: boolean;

  /** `emptyAtOpen`: the bucket held no value when the watch opened, so nothing is replayed. */
  constructor(emptyAtOpen: boolean) {
    this.#replaying = !emptyAtOpen;
  }

  get replaying(): boolean {
    return this.#replaying;
  }

  /** Whether `entry`, the watch's next one, belongs to the replay. Call once per entry, in order. */
  next(entry: Pick<WatchedEntry, "delta">): boolean {
    const replayed = this.#replaying;
    if (replayed && (entry.delta ?? 0) === 0) this.#replaying = false;
    return replayed;
  }
}

/**
 * When a heartbeat was received, on the receiver's clock. A live update was
 * received just now. A replayed value may be old, so its NATS server
 * timestamp says when it arrived, clamped to now in case the server's clock
 * runs ahead of ours.
 */
export function heartbeatReceivedAtMs(
  entry: Pick<WatchedEntry, "created">,
  replayed: boolean,
  localNowMs: number,
): number {
  if (!replayed) return localNowMs;
  const stored = entry.created.getTime();
  return Number.isNaN(stored) ? localNowMs : Math.min(stored, localNowMs);
}

/** Fresh while no more than `windowMs` has passed since the heartbeat was received. */
export function isDeviceFresh(
  report: { readonly receivedAtMs: number },
  nowMs: number,
  windowMs: number,
): boolean {
  return nowMs - report.receivedAtMs <= windowMs;
}

/** A time a device claims (RFC 3339), never later than when its heartbeat was received. */
export function clampClaimedTime(
  claimed: string,
  receivedAtMs: number,
): { ms: number; iso: string } {
  const ms = Date.parse(claimed);
  if (Number.isNaN(ms) || ms > receivedAtMs) {
    return { ms: receivedAtMs, iso: new Date(receivedAtMs).toISOString() };
  }
  return { ms, iso: claimed };
}
