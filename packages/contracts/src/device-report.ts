// What a receiver keeps per device: the latest heartbeat, cut down to what the
// aggregation needs. Events are bucketed by deployment and bounded, so 50 000
// devices fit in memory and an aggregation never scans events it cannot use.
import type { AgentEvent, AgentStatus, DeploymentReport } from "./agent-status.js";
import { RECENT_AGGREGATE_EVENTS_LIMIT } from "./deployment-status.js";
import { clampClaimedTime } from "./freshness.js";

export interface DeviceReport {
  device: string;
  /** When the heartbeat was received, on the receiver's clock: decides freshness. */
  receivedAtMs: number;
  /** The device's own heartbeat time, clamped to receivedAtMs; for display only. */
  heartbeatAt: string;
  /** Keyed by desired-state key; times clamped to receivedAtMs. */
  deployments: Readonly<Record<string, DeploymentReport>>;
  /** Per desired-state key, newest first, at most RECENT_AGGREGATE_EVENTS_LIMIT each; times clamped. */
  eventsByKey: ReadonlyMap<string, readonly AgentEvent[]>;
}

const timeOf = (event: AgentEvent): number => Date.parse(event.at);

/** Deployments with a lastEventAt in the future get it clamped; untouched otherwise (no copy). */
function clampDeployments(
  deployments: Readonly<Record<string, DeploymentReport>>,
  receivedAtMs: number,
): Readonly<Record<string, DeploymentReport>> {
  let out: Record<string, DeploymentReport> | undefined;
  for (const [key, report] of Object.entries(deployments)) {
    if (report.lastEventAt === undefined) continue;
    const clamped = clampClaimedTime(report.lastEventAt, receivedAtMs).iso;
    if (clamped === report.lastEventAt) continue;
    out ??= { ...deployments };
    out[key] = { ...report, lastEventAt: clamped };
  }
  return out ?? deployments;
}

/**
 * Pure. `receivedAtMs` is when the receiver got the heartbeat (see
 * heartbeatReceivedAtMs). A device clock running ahead would otherwise date
 * its events and errors in the future, so every claimed time is clamped to it.
 */
export function toDeviceReport(
  device: string,
  status: AgentStatus,
  receivedAtMs: number,
): DeviceReport {
  const eventsByKey = new Map<string, AgentEvent[]>();
  const newestFirst = [...status.recentEvents].sort((a, b) => timeOf(b) - timeOf(a));
  for (const event of newestFirst) {
    if (event.deployment === undefined) continue;
    const list = eventsByKey.get(event.deployment) ?? [];
    if (list.length >= RECENT_AGGREGATE_EVENTS_LIMIT) continue;
    const at = clampClaimedTime(event.at, receivedAtMs).iso;
    list.push(at === event.at ? event : { ...event, at });
    eventsByKey.set(event.deployment, list);
  }
  return {
    device,
    receivedAtMs,
    heartbeatAt: clampClaimedTime(status.lastHeartbeatAt, receivedAtMs).iso,
    deployments: clampDeployments(status.deployments, receivedAtMs),
    eventsByKey,
  };
}
