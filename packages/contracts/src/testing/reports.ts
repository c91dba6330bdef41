// Builders of device reports for the unit tests of the aggregation rules.
import {
  agentStatusSchema,
  type AgentStatusInput,
  type DeploymentReport,
} from "../agent-status.js";
import { toDeviceReport, type DeviceReport } from "../device-report.js";
import { desiredStateKey } from "../keys.js";

export const T0 = Date.parse("2026-01-01T00:00:00Z");
export const iso = (ms: number): string => new Date(ms).toISOString();
export const keyFor = (device: string, name = "web"): string =>
  desiredStateKey({ device, namespace: "ns", name });

/** A report of a heartbeat sent at `atMs` and received at `receivedAtMs` (default: at once). */
export function heartbeat(
  device: string,
  atMs: number,
  deployments: Record<string, DeploymentReport> = {},
  recentEvents: AgentStatusInput["recentEvents"] = [],
  receivedAtMs: number = atMs,
): DeviceReport {
  const status = agentStatusSchema.parse({
    deviceId: device,
    agentVersion: "test",
    lastHeartbeatAt: iso(atMs),
    deployments,
    recentEvents,
  });
  return toDeviceReport(device, status, receivedAtMs);
}
