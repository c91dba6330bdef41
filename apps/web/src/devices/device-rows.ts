// The Devices page's rows: each Device CR (the registry) with the live status
// the dashboard already keeps for the fleet (heartbeats pushed over NATS), so
// the page and the Fleet page never disagree about a device being online.
// Where a device has no heartbeat here, the CR's status (written by the
// operator on transitions) speaks for it.
import {
  devicePhaseOf,
  type DeviceConnectivity,
  type DevicePhase,
  type DeviceResource,
} from "@fleet/contracts";
import { isOnline, type DeviceSummary } from "../fleet/device-summary";

/** A Device as the page lists it (JSON: it crosses tRPC as is). */
export interface RegisteredDevice {
  id: string;
  labels: Record<string, string>;
  disabled: boolean;
  /** A deployer approved its enrollment (iot-identity then issues its identity). */
  approved: boolean;
  /**
   * The contracts' devicePhaseOf(spec): the rule iot-identity writes into
   * status.phase, computed here so an approval or a disable shows at once.
   */
  phase: DevicePhase;
  description?: string | undefined;
  userId?: string | undefined;
  keyId?: string | undefined;
  /** Present when the device enrolled itself with a token. */
  enrollment?: { token: string; requestedAt: string } | undefined;
  /** The operator's view (CR status), for devices without a heartbeat here. */
  connectivity?: DeviceConnectivity | undefined;
  lastSeenAt?: string | undefined;
  agentVersion?: string | undefined;
  /** iot-identity's word on it, e.g. why an approved device has no identity yet. */
  message?: string | undefined;
}

export function registeredDevice(device: DeviceResource): RegisteredDevice {
  const { metadata, spec, status } = device;
  return {
    id: metadata.name,
    labels: metadata.labels ?? {},
    disabled: spec.disabled,
    approved: spec.approved,
    phase: devicePhaseOf(spec),
    description: spec.description,
    userId: spec.identity?.userId,
    keyId: spec.identity?.keyId,
    enrollment: spec.enrollment && {
      token: spec.enrollment.token,
      requestedAt: spec.enrollment.requestedAt,
    },
    connectivity: status?.connectivity,
    lastSeenAt: status?.lastSeenAt,
    agentVersion: status?.agentVersion,
    message: status?.message,
  };
}

export interface DeviceRowView extends RegisteredDevice {
  /** The fleet's view of it; undefined when no heartbeat of it is known here. */
  live: DeviceSummary | undefined;
}

export function withLiveStatus(
  devices: readonly RegisteredDevice[],
  fleet: readonly DeviceSummary[],
): DeviceRowView[] {
  const byId = new Map(fleet.map((d) => [d.deviceId, d]));
  return devices.map((device) => ({ ...device, live: byId.get(device.id) }));
}

/** What the row shows: the live heartbeat where there is one, else the CR's status. */
export interface DeviceLiveness {
  online: boolean;
  lastSeenAt?: string | undefined;
  agentVersion?: string | undefined;
}

export function livenessOf(
  device: DeviceRowView,
  nowMs: number,
  heartbeatPeriodMs: number,
): DeviceLiveness {
  const { live } = device;
  if (live?.receivedAtMs !== undefined) {
    return {
      online: isOnline(live, nowMs, heartbeatPeriodMs),
      lastSeenAt: live.lastHeartbeatAt ?? device.lastSeenAt,
      agentVersion: live.agentVersion ?? device.agentVersion,
    };
  }
  return {
    online: device.connectivity === "Online",
    lastSeenAt: device.lastSeenAt,
    agentVersion: device.agentVersion,
  };
}

/** The file name a device's credentials download under. */
export const credentialsFileName = (deviceId: string): string => `${deviceId}.credentials.json`;
