// What the fleet pages keep for one device, derived from its AgentStatus and
// the time its heartbeat was received. Pure and JSON-shaped, shared by the
// server (first view) and the browser (live heartbeats). Online/offline and the
// deployment counts use the contracts' rules (the operator's own), fed from here.
import {
  isDeviceFresh,
  offlineAfterMs,
  parseDesiredStateKey,
  toDeviceReport,
  type AgentEvent,
  type AgentStatus,
  type DeploymentPhase,
  type DeploymentReport,
  type DeviceReport,
  type Inventory,
} from "@fleet/contracts";

/** A heartbeat with the time it was received, on the receiver's clock. */
export interface ReceivedHeartbeat {
  status: AgentStatus;
  receivedAtMs: number;
}

export interface DeviceDeployment {
  /** The desired-state key this report is filed under. */
  key: string;
  namespace: string;
  name: string;
  phase: DeploymentPhase;
  lastError?: string | undefined;
  lastEventAt?: string | undefined;
  /** The device's newest event about this deployment (e.g. "upgraded to generation 2: …"). */
  lastEvent?: AgentEvent | undefined;
}

export interface DeviceSummary {
  deviceId: string;
  /** When the last heartbeat was received (receiver's clock); undefined: never reported. */
  receivedAtMs?: number | undefined;
  /** The device's own heartbeat time, clamped to receivedAtMs; for display. */
  lastHeartbeatAt?: string | undefined;
  /**
   * The heartbeat's time as the device wrote it (not clamped): one device's own
   * clock, so it orders that device's heartbeats whoever received them.
   */
  sentAt?: string | undefined;
  agentVersion?: string | undefined;
  inventory?: Inventory | undefined;
  deployments: DeviceDeployment[];
  /** Per desired-state key, newest first and bounded (the deployment page's events). */
  eventsByKey?: Record<string, AgentEvent[]> | undefined;
}

export interface DeviceDetail extends DeviceSummary {
  recentEvents: AgentEvent[];
}

/**
 * Online while its heartbeat is fresh: the contracts' rule (the operator's),
 * judged by when the heartbeat was received. The server's first view carries
 * its own receive times; the browser's feed replaces them within a second.
 */
export function isOnline(device: DeviceSummary, nowMs: number, heartbeatPeriodMs: number): boolean {
  return (
    device.receivedAtMs !== undefined &&
    isDeviceFresh({ receivedAtMs: device.receivedAtMs }, nowMs, offlineAfterMs(heartbeatPeriodMs))
  );
}

export function deviceSummary({ status, receivedAtMs }: ReceivedHeartbeat): DeviceSummary {
  const report = toDeviceReport(status.deviceId, status, receivedAtMs);
  const deployments = Object.entries(report.deployments).flatMap(([key, deployment]) => {
    try {
      const { namespace, name } = parseDesiredStateKey(key);
      const lastEvent = report.eventsByKey.get(key)?.[0];
      return [
        {
          key,
          namespace,
          name,
          phase: deployment.phase,
          lastError: deployment.lastError,
          lastEventAt: deployment.lastEventAt,
          ...(lastEvent && { lastEvent }),
        },
      ];
    } catch {
      return [];
    }
  });
  return {
    deviceId: status.deviceId,
    receivedAtMs,
    lastHeartbeatAt: report.heartbeatAt,
    sentAt: status.lastHeartbeatAt,
    agentVersion: status.agentVersion,
    inventory: status.inventory,
    deployments,
    eventsByKey: Object.fromEntries(
      [...report.eventsByKey].map(([key, events]) => [key, [...events]]),
    ),
  };
}

export function deviceDetail(heartbeat: ReceivedHeartbeat): DeviceDetail {
  return {
    ...deviceSummary(heartbeat),
    recentEvents: [...heartbeat.status.recentEvents].reverse(),
  };
}

const reports = new WeakMap<DeviceSummary, DeviceReport>();

/**
 * The contracts' DeviceReport for a summary (the aggregation's input), or
 * undefined for a device that never reported. Memoized per summary object:
 * a heartbeat replaces the object, so a stale report is never reused.
 */
export function reportOf(device: DeviceSummary): DeviceReport | undefined {
  if (device.receivedAtMs === undefined || device.lastHeartbeatAt === undefined) return undefined;
  const cached = reports.get(device);
  if (cached) return cached;
  const deployments: Record<string, DeploymentReport> = {};
  for (const d of device.deployments) {
    deployments[d.key] = {
      phase: d.phase,
      ...(d.lastError !== undefined && { lastError: d.lastError }),
      ...(d.lastEventAt !== undefined && { lastEventAt: d.lastEventAt }),
    };
  }
  const report: DeviceReport = {
    device: device.deviceId,
    receivedAtMs: device.receivedAtMs,
    heartbeatAt: device.lastHeartbeatAt,
    deployments,
    eventsByKey: new Map(Object.entries(device.eventsByKey ?? {})),
  };
  reports.set(device, report);
  return report;
}

const byDeviceId = (a: DeviceSummary, b: DeviceSummary): number =>
  a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0;

/** The list in the order every fleet view keeps: by device id. */
export const sortedDevices = (devices: Iterable<DeviceSummary>): DeviceSummary[] =>
  [...devices].sort(byDeviceId);

/**
 * Where each device sits in a merged list. Kept beside the list (not in it, so
 * it never crosses the wire) and handed on while positions stay the same: a
 * heartbeat then costs one array copy and a lookup, not a rebuild and re-sort
 * of every device (50 000 at scale).
 */
const positions = new WeakMap<readonly DeviceSummary[], ReadonlyMap<string, number>>();

function positionsOf(list: readonly DeviceSummary[]): ReadonlyMap<string, number> {
  let index = positions.get(list);
  if (!index) {
    index = new Map(list.map((d, i) => [d.deviceId, i]));
    positions.set(list, index);
  }
  return index;
}

/** A heartbeat's summary replaces the current one unless the current is newer on the device's own clock. */
export function isNewer(update: DeviceSummary, current: DeviceSummary): boolean {
  if (update.sentAt === undefined || current.sentAt === undefined) return true;
  return Date.parse(update.sentAt) > Date.parse(current.sentAt);
}

/**
 * Replaces (or adds) devices by id, keeping the list sorted by id. With
 * `onlyNewer`, a device whose current summary is at least as recent (by its
 * own heartbeat time) is kept: the server's view must not undo a heartbeat
 * the live feed already showed. Returns `current` itself when nothing changed.
 */
export function mergeDevices(
  current: DeviceSummary[],
  updates: Iterable<DeviceSummary>,
  { onlyNewer = false }: { onlyNewer?: boolean } = {},
): DeviceSummary[] {
  const index = positionsOf(current);
  let merged: DeviceSummary[] | undefined;
  const added = new Map<string, DeviceSummary>();
  for (const update of updates) {
    const at = index.get(update.deviceId);
    if (at === undefined) {
      added.set(update.deviceId, update);
      continue;
    }
    const existing = (merged ?? current)[at];
    if (onlyNewer && existing !== undefined && !isNewer(update, existing)) continue;
    merged ??= [...current];
    merged[at] = update;
  }
  if (added.size === 0) {
    if (merged === undefined) return current;
    positions.set(merged, index);
    return merged;
  }
  // A new device: the rare case pays for the sort (and a fresh index on next use).
  return sortedDevices([...(merged ?? current), ...added.values()]);
}

/**
 * Replaces the devices a short list already has (others are not its
 * business); with `onlyNewer`, only by a newer heartbeat (see isNewer).
 */
export function replaceKnown(
  list: DeviceSummary[],
  updates: readonly DeviceSummary[],
  { onlyNewer = false }: { onlyNewer?: boolean } = {},
): DeviceSummary[] {
  const byId = new Map(updates.map((d) => [d.deviceId, d]));
  const replacement = (d: DeviceSummary): DeviceSummary | undefined => {
    const update = byId.get(d.deviceId);
    return update && (!onlyNewer || isNewer(update, d)) ? update : undefined;
  };
  return list.some((d) => replacement(d) !== undefined)
    ? list.map((d) => replacement(d) ?? d)
    : list;
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
