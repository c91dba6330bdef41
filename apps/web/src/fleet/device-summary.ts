// What the fleet pages show for one device, derived from its AgentStatus. Pure,
// shared by the server (first view) and the browser (live heartbeats).
import {
  parseDesiredStateKey,
  type AgentEvent,
  type AgentStatus,
  type DeploymentPhase,
  type Inventory,
} from "@fleet/contracts";

export interface DeviceDeployment {
  namespace: string;
  name: string;
  phase: DeploymentPhase;
  lastError?: string | undefined;
  /** The device's newest event about this deployment (e.g. "upgraded to generation 2: …"). */
  lastEvent?: AgentEvent | undefined;
}

export interface DeviceSummary {
  deviceId: string;
  /** Undefined for a targeted device that never reported. */
  lastHeartbeatAt?: string | undefined;
  agentVersion?: string | undefined;
  inventory?: Inventory | undefined;
  deployments: DeviceDeployment[];
}

export interface DeviceDetail extends DeviceSummary {
  recentEvents: AgentEvent[];
}

/** A device is offline once its heartbeat is older than this many periods. */
export const OFFLINE_AFTER_PERIODS = 3;

export function isOnline(
  lastHeartbeatAt: string | undefined,
  nowMs: number,
  heartbeatPeriodMs: number,
): boolean {
  if (lastHeartbeatAt === undefined) return false;
  const at = Date.parse(lastHeartbeatAt);
  return !Number.isNaN(at) && nowMs - at <= OFFLINE_AFTER_PERIODS * heartbeatPeriodMs;
}

/** The newest event per desired-state key (the ring is oldest first). */
function lastEventByKey(events: readonly AgentEvent[]): Map<string, AgentEvent> {
  const byKey = new Map<string, AgentEvent>();
  for (const event of events) if (event.deployment) byKey.set(event.deployment, event);
  return byKey;
}

export function deviceSummary(status: AgentStatus): DeviceSummary {
  const lastEvents = lastEventByKey(status.recentEvents);
  const deployments = Object.entries(status.deployments).flatMap(([key, report]) => {
    try {
      const { namespace, name } = parseDesiredStateKey(key);
      const lastEvent = lastEvents.get(key);
      return [
        {
          namespace,
          name,
          phase: report.phase,
          lastError: report.lastError,
          ...(lastEvent && { lastEvent }),
        },
      ];
    } catch {
      return [];
    }
  });
  return {
    deviceId: status.deviceId,
    lastHeartbeatAt: status.lastHeartbeatAt,
    agentVersion: status.agentVersion,
    inventory: status.inventory,
    deployments,
  };
}

export function deviceDetail(status: AgentStatus): DeviceDetail {
  return { ...deviceSummary(status), recentEvents: [...status.recentEvents].reverse() };
}

/** Replaces (or adds) devices by id, keeping the list sorted by id. */
export function mergeDevices(
  current: readonly DeviceSummary[],
  updates: Iterable<DeviceSummary>,
): DeviceSummary[] {
  const byId = new Map(current.map((d) => [d.deviceId, d]));
  let added = false;
  for (const update of updates) {
    if (!byId.has(update.deviceId)) added = true;
    byId.set(update.deviceId, update);
  }
  const merged = [...byId.values()];
  if (added) merged.sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  else merged.sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
  return merged;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit] ?? "B"}`;
}
