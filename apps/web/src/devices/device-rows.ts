// The Devices page's rows: each Device CR (the registry) with the live status
// the dashboard already keeps for the fleet (heartbeats pushed over NATS), so
// the page and the Fleet page never disagree about a device being online.
import type { DeviceSummary } from "../fleet/device-summary";

export interface RegisteredDevice {
  id: string;
  labels: Record<string, string>;
  disabled: boolean;
  userId?: string | undefined;
  keyId?: string | undefined;
}

export interface DeviceRowView extends RegisteredDevice {
  /** The fleet's view of it; undefined when it never reported. */
  live: DeviceSummary | undefined;
}

export function withLiveStatus(
  devices: readonly RegisteredDevice[],
  fleet: readonly DeviceSummary[],
): DeviceRowView[] {
  const byId = new Map(fleet.map((d) => [d.deviceId, d]));
  return devices.map((device) => ({ ...device, live: byId.get(device.id) }));
}

/** The file name a device's credentials download under. */
export const credentialsFileName = (deviceId: string): string => `${deviceId}.credentials.json`;
