// The aggregation rules, as one pure function over the targeted devices:
//   no report, or a heartbeat older than the window -> unreported
//   fresh report, deployment Running                 -> succeeded
//   fresh report, deployment Failed                  -> failed (and a lastError candidate)
//   fresh report, deployment Pending or absent       -> pending
// A device that never reported is therefore never counted healthy.
import {
  RECENT_AGGREGATE_EVENTS_LIMIT,
  type Aggregate,
  type AggregateEvent,
} from "@fleet/contracts";
import { isFresh, type DeviceReport } from "./device-report.js";
import { RecentEvents } from "./recent-events.js";

export interface AggregateTarget {
  device: string;
  /** This deployment's desired-state key on that device. */
  key: string;
}

export type ReportLookup = (device: string) => DeviceReport | undefined;

type LastError = NonNullable<Aggregate["lastError"]>;

const FAILED_WITHOUT_TEXT = "reported Failed without an error message";

function newer(candidate: LastError, current: LastError | undefined): boolean {
  if (current === undefined) return true;
  const delta = Date.parse(candidate.at) - Date.parse(current.at);
  return delta > 0 || (delta === 0 && candidate.device < current.device);
}

export function aggregate(
  targets: readonly AggregateTarget[],
  lookup: ReportLookup,
  nowMs: number,
  stalenessWindowMs: number,
): Aggregate {
  let succeeded = 0;
  let failed = 0;
  let pending = 0;
  let unreported = 0;
  let lastError: LastError | undefined;
  let lastHeartbeatMs = -Infinity;
  let lastHeartbeatAt: string | undefined;
  const events = new RecentEvents(RECENT_AGGREGATE_EVENTS_LIMIT);

  for (const { device, key } of targets) {
    const report = lookup(device);
    if (report === undefined) {
      unreported++;
      continue;
    }
    if (report.heartbeatAtMs > lastHeartbeatMs) {
      lastHeartbeatMs = report.heartbeatAtMs;
      lastHeartbeatAt = report.heartbeatAt;
    }
    // History stays visible even from a device that has since gone quiet.
    for (const event of report.eventsByKey.get(key) ?? []) {
      const entry: AggregateEvent = {
        at: event.at,
        device,
        severity: event.severity,
        message: event.message,
      };
      if (!events.offer(entry)) break; // newest first: the rest are older still
    }
    if (!isFresh(report, nowMs, stalenessWindowMs)) {
      unreported++;
      continue;
    }
    const deployment = report.deployments[key];
    if (deployment === undefined || deployment.phase === "Pending") {
      pending++;
    } else if (deployment.phase === "Running") {
      succeeded++;
    } else {
      failed++;
      const candidate = {
        device,
        message: deployment.lastError ?? FAILED_WITHOUT_TEXT,
        at: deployment.lastEventAt ?? report.heartbeatAt,
      };
      if (newer(candidate, lastError)) lastError = candidate;
    }
  }

  return {
    succeeded,
    failed,
    pending,
    unreported,
    ...(lastError === undefined ? {} : { lastError }),
    recentEvents: events.list(),
    ...(lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt }),
  };
}
