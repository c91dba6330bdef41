// Builders of AgentStatus values for the unit tests of the status rules.
import {
  agentStatusSchema,
  desiredStateKey,
  toDeviceReport,
  type AgentStatusInput,
  type DeploymentReport,
  type DeviceReport,
} from "@fleet/contracts";

export const T0 = Date.parse("2026-01-01T00:00:00Z");
export const iso = (ms: number): string => new Date(ms).toISOString();
export const keyFor = (device: string, name = "web"): string =>
  desiredStateKey({ device, namespace: "ns", name });

export function heartbeat(
  device: string,
  atMs: number,
  deployments: Record<string, DeploymentReport> = {},
  recentEvents: AgentStatusInput["recentEvents"] = [],
): DeviceReport {
  const status = agentStatusSchema.parse({
    deviceId: device,
    agentVersion: "test",
    lastHeartbeatAt: iso(atMs),
    deployments,
    recentEvents,
  });
  return toDeviceReport(device, status, atMs);
}
