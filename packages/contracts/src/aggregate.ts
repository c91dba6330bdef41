// The aggregation rules, as one pure function over the targeted devices, shared
// by the operator (it writes the result into the CR's status) and the dashboard
// (it computes the same numbers from the same live heartbeats):
//   no report, or a report older than the window -> unreported
//   fresh report, deployment Running             -> succeeded
//   fresh report, deployment Failed              -> failed (and a lastError candidate)
//   fresh report, deployment Pending or absent   -> pending
// A device that never reported is therefore never counted healthy. Texts are
// clipped here too, so the result always fits the CR status budget.
import { clipMessage } from "./clip.js";
import {
  RECENT_AGGREGATE_EVENTS_LIMIT,
  RECENT_FAILURE_MESSAGE_MAX_LENGTH,
  RECENT_FAILURES_LIMIT,
  type Aggregate,
  type AggregateEvent,
  type DeviceFailure,
} from "./deployment-status.js";
import type { DeviceReport } from "./device-report.js";
import { isDeviceFresh } from "./freshness.js";
import { desiredStateKey } from "./keys.js";
import { RecentEvents } from "./recent-events.js";

export interface AggregateTarget {
  device: string;
  /** This deployment's desired-state key on that device. */
  key: string;
}

export type ReportLookup = (device: string) => DeviceReport | undefined;

type LastError = NonNullable<Aggregate["lastError"]>;

/** What lastError says for a Failed report that carries no text. */
export const FAILED_WITHOUT_TEXT = "reported Failed without an error message";

/** One target per device of a Deployment (throws InvalidKeyError on an illegal name). */
export function aggregateTargets(deployment: {
  namespace: string;
  name: string;
  /** The devices targeted now: the listed ones, or what the selector matched. */
  targetDevices: readonly string[];
}): AggregateTarget[] {
  const { namespace, name } = deployment;
  return deployment.targetDevices.map((device) => ({
    device,
    key: desiredStateKey({ device, namespace, name }),
  }));
}

function newer(candidate: LastError, current: LastError | undefined): boolean {
  if (current === undefined) return true;
  const delta = Date.parse(candidate.at) - Date.parse(current.at);
  return delta > 0 || (delta === 0 && candidate.device < current.device);
}

/**
 * Pure: folds the latest report of every targeted device into the CR's
 * aggregate. `offlineAfter` is the freshness window (see offlineAfterMs);
 * `nowMs` is on the same clock as the reports' receivedAtMs.
 */
export function aggregateDeployment(
  targets: readonly AggregateTarget[],
  lookup: ReportLookup,
  nowMs: number,
  offlineAfter: number,
): Aggregate {
  let succeeded = 0;
  let failed = 0;
  let pending = 0;
  let unreported = 0;
  let lastError: LastError | undefined;
  let lastReceivedMs = -Infinity;
  const events = new RecentEvents(RECENT_AGGREGATE_EVENTS_LIMIT);
  const failures: DeviceFailure[] = [];

  for (const { device, key } of targets) {
    const report = lookup(device);
    if (report === undefined) {
      unreported++;
      continue;
    }
    lastReceivedMs = Math.max(lastReceivedMs, report.receivedAtMs);
    // History stays visible even from a device that has since gone quiet.
    for (const event of report.eventsByKey.get(key) ?? []) {
      const entry: AggregateEvent = {
        at: event.at,
        device,
        severity: event.severity,
        message: clipMessage(event.message),
      };
      if (!events.offer(entry)) break; // newest first: the rest are older still
    }
    if (!isDeviceFresh(report, nowMs, offlineAfter)) {
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
        message: clipMessage(deployment.lastError ?? FAILED_WITHOUT_TEXT),
        at: deployment.lastEventAt ?? report.heartbeatAt,
      };
      if (newer(candidate, lastError)) lastError = candidate;
      failures.push({
        ...candidate,
        message: clipMessage(candidate.message, RECENT_FAILURE_MESSAGE_MAX_LENGTH),
      });
    }
  }
  // Newest first, bounded: the CR's size never follows the size of the fleet.
  failures.sort((a, b) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0));

  return {
    matchedDevices: targets.length,
    succeeded,
    failed,
    pending,
    unreported,
    // Placement decides what is withheld (a host-port clash); it adds that count.
    conflicted: 0,
    ...(lastError === undefined ? {} : { lastError }),
    recentEvents: events.list(),
    recentFailures: failures.slice(0, RECENT_FAILURES_LIMIT),
    // When a targeted device was last heard from, on the receiver's clock (the
    // same time freshness is judged by, so the two never disagree on a page).
    ...(lastReceivedMs === -Infinity
      ? {}
      : { lastHeartbeatAt: new Date(lastReceivedMs).toISOString() }),
  };
}
