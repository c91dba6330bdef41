// The server's device summaries, computed once per heartbeat: the cache keeps
// each received heartbeat as one object until the next replaces it, so a
// summary keyed by that object is never stale. Every page view and resync of
// a 50 000-device fleet then costs a lookup per device, not a fresh summary.
import { deviceSummary, type DeviceSummary, type ReceivedHeartbeat } from "./device-summary";

const summaries = new WeakMap<ReceivedHeartbeat, DeviceSummary>();

export function summaryOf(heartbeat: ReceivedHeartbeat): DeviceSummary {
  let summary = summaries.get(heartbeat);
  if (!summary) {
    summary = deviceSummary(heartbeat);
    summaries.set(heartbeat, summary);
  }
  return summary;
}
