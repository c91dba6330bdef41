// When a Device's status needs a patch, and what the patch says. Pure, so the
// rules are tested without a cluster. A patch is due only on a transition:
// online <-> offline (contracts' isDeviceFresh, the one online rule), a new
// agent version, a new inventory summary or a new count of reported
// deployments (iot-identity drains a disabled device on it); while nothing changes, lastSeenAt
// is refreshed at most once per refresh interval. Never once per heartbeat.
import {
  DEVICE_CONDITION_ONLINE,
  formatDuration,
  isDeviceFresh,
  type Condition,
  type DeviceConnectivity,
  type DeviceInventorySummary,
} from "@fleet/contracts";
import { kubeTime } from "../status/build-status.js";

/** What the latest heartbeat of a device said, and when it arrived (receiver's clock). */
export interface Observation {
  receivedAtMs: number;
  agentVersion: string;
  /** Absent when the agent sent none (an older agent): the written one is kept. */
  inventory: DeviceInventorySummary | undefined;
  /** How many deployments the heartbeat reported. */
  reportedDeployments: number;
}

/** The operator's fields of a Device's status as last read or written. */
export interface WrittenStatus {
  connectivity?: DeviceConnectivity | undefined;
  lastSeenAt?: string | undefined;
  agentVersion?: string | undefined;
  inventory?: DeviceInventorySummary | undefined;
  reportedDeployments?: number | undefined;
  conditions: readonly Condition[];
}

/** The merge patch of the operator's fields (iot-identity's phase, identity and message are never sent). */
export interface DeviceStatusPatch {
  connectivity?: DeviceConnectivity;
  lastSeenAt?: string;
  agentVersion?: string;
  inventory?: DeviceInventorySummary;
  reportedDeployments?: number;
  conditions?: Condition[];
}

export interface TransitionRules {
  /** The staleness window: a heartbeat older than this means offline. */
  windowMs: number;
  /** While online and unchanged, lastSeenAt is rewritten after this long. */
  lastSeenRefreshMs: number;
  /**
   * When the writer started (ms): a device written Online that has sent no
   * heartbeat since is only called Offline once a whole window has passed.
   */
  startedAtMs: number;
}

export function sameInventory(
  a: DeviceInventorySummary | undefined,
  b: DeviceInventorySummary | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.arch === b.arch &&
    a.os === b.os &&
    a.kernel === b.kernel &&
    a.cpuCores === b.cpuCores &&
    a.memoryBytes === b.memoryBytes &&
    a.diskBytes === b.diskBytes
  );
}

function onlineCondition(
  connectivity: DeviceConnectivity,
  written: readonly Condition[],
  rules: TransitionRules,
  nowMs: number,
): Condition[] {
  const status = connectivity === "Online" ? "True" : "False";
  const previous = written.find((c) => c.type === DEVICE_CONDITION_ONLINE);
  const window = formatDuration(rules.windowMs);
  const condition: Condition = {
    type: DEVICE_CONDITION_ONLINE,
    status,
    reason: status === "True" ? "HeartbeatFresh" : "HeartbeatStale",
    message:
      status === "True"
        ? `heartbeats arrive within the ${window} window`
        : `no heartbeat received for more than ${window}`,
    lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : kubeTime(nowMs),
  };
  return [...written.filter((c) => c.type !== DEVICE_CONDITION_ONLINE), condition];
}

/**
 * The patch a device's status needs now, or undefined when it is up to date.
 * `observed` is undefined for a device that sent no heartbeat since the writer
 * started (or whose heartbeat was deleted).
 */
export function statusPatchFor(
  observed: Observation | undefined,
  written: WrittenStatus,
  rules: TransitionRules,
  nowMs: number,
): DeviceStatusPatch | undefined {
  if (observed === undefined) {
    // Heard nothing: only a device still written Online needs to hear it, and only
    // once the heartbeats in KV have had a window to arrive.
    if (written.connectivity !== "Online" || nowMs - rules.startedAtMs <= rules.windowMs) {
      return undefined;
    }
    return {
      connectivity: "Offline",
      conditions: onlineCondition("Offline", written.conditions, rules, nowMs),
    };
  }
  const connectivity: DeviceConnectivity = isDeviceFresh(observed, nowMs, rules.windowMs)
    ? "Online"
    : "Offline";
  const inventoryChanged =
    observed.inventory !== undefined && !sameInventory(observed.inventory, written.inventory);
  if (
    connectivity !== written.connectivity ||
    observed.agentVersion !== written.agentVersion ||
    observed.reportedDeployments !== written.reportedDeployments ||
    inventoryChanged
  ) {
    return {
      connectivity,
      lastSeenAt: kubeTime(observed.receivedAtMs),
      agentVersion: observed.agentVersion,
      ...(observed.inventory === undefined ? {} : { inventory: observed.inventory }),
      reportedDeployments: observed.reportedDeployments,
      conditions: onlineCondition(connectivity, written.conditions, rules, nowMs),
    };
  }
  if (connectivity !== "Online") return undefined;
  const writtenSeenMs =
    written.lastSeenAt === undefined ? Number.NaN : Date.parse(written.lastSeenAt);
  const refreshDue =
    Number.isNaN(writtenSeenMs) || observed.receivedAtMs - writtenSeenMs >= rules.lastSeenRefreshMs;
  return refreshDue ? { lastSeenAt: kubeTime(observed.receivedAtMs) } : undefined;
}
