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

/** The part of a NATS KV watch entry the receive time is read from (structural: no NATS import). */
export interface ReceivedEntry {
  /** The server's timestamp of the stored value. */
  readonly created: Date;
  /** False for values replayed when a watch starts, true for live updates. */
  readonly isUpdate: boolean;
}

/**
 * When a heartbeat was received, on the receiver's clock. A live update was
 * received just now. A value replayed at watch start may be old, so its NATS
 * server timestamp says when it arrived, clamped to now in case the server's
 * clock runs ahead of ours.
 */
export function heartbeatReceivedAtMs(entry: ReceivedEntry, localNowMs: number): number {
  if (entry.isUpdate) return localNowMs;
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
