// What the operator keeps per device: the latest heartbeat, cut down to what the
// aggregation needs. Events are bucketed by deployment and bounded, so 10 000
// devices fit in memory and an aggregation never scans events it cannot use.
import {
  RECENT_AGGREGATE_EVENTS_LIMIT,
  type AgentEvent,
  type AgentStatus,
  type DeploymentReport,
} from "@fleet/contracts";

export interface DeviceReport {
  device: string;
  /** Heartbeat time in ms, never later than when the operator received it. */
  heartbeatAtMs: number;
  heartbeatAt: string;
  /** Keyed by desired-state key. */
  deployments: Readonly<Record<string, DeploymentReport>>;
  /** Per desired-state key, newest first, at most RECENT_AGGREGATE_EVENTS_LIMIT each. */
  eventsByKey: ReadonlyMap<string, readonly AgentEvent[]>;
}

const timeOf = (event: AgentEvent): number => Date.parse(event.at);

/**
 * Pure. A device clock running ahead would keep a dead device "fresh" until its
 * clock is caught up with, so the heartbeat time is clamped to the receive time.
 */
export function toDeviceReport(
  device: string,
  status: AgentStatus,
  receivedAtMs: number,
): DeviceReport {
  const claimed = Date.parse(status.lastHeartbeatAt);
  const heartbeatAtMs = Math.min(claimed, receivedAtMs);
  const eventsByKey = new Map<string, AgentEvent[]>();
  const newestFirst = [...status.recentEvents].sort((a, b) => timeOf(b) - timeOf(a));
  for (const event of newestFirst) {
    if (event.deployment === undefined) continue;
    const list = eventsByKey.get(event.deployment) ?? [];
    if (list.length < RECENT_AGGREGATE_EVENTS_LIMIT) list.push(event);
    eventsByKey.set(event.deployment, list);
  }
  return {
    device,
    heartbeatAtMs,
    heartbeatAt:
      claimed === heartbeatAtMs ? status.lastHeartbeatAt : new Date(heartbeatAtMs).toISOString(),
    deployments: status.deployments,
    eventsByKey,
  };
}

/** A heartbeat no older than the window is fresh; anything else counts as unreported. */
export function isFresh(report: DeviceReport, nowMs: number, stalenessWindowMs: number): boolean {
  return nowMs - report.heartbeatAtMs <= stalenessWindowMs;
}
