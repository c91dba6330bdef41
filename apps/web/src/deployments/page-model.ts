// What a deployment page shows about its devices, computed in the browser from
// the same heartbeats its device rows show, with the operator's own
// aggregation (contracts' aggregateDeployment) and freshness rule. The summary
// and the rows therefore cannot disagree: each row is the same function applied
// to that one device.
import {
  aggregateDeployment,
  aggregateTargets,
  offlineAfterMs,
  type AgentEvent,
  type Aggregate,
  type AggregateTarget,
  type DeploymentResource,
  type DeviceReport,
} from "@fleet/contracts";
import { reportOf, type DeviceSummary } from "../fleet/device-summary";
import { liveConditions, type ShownCondition } from "./live-conditions";

export type RowPhase = "Running" | "Failed" | "Pending" | "Unreported";

export interface DeviceRow {
  deviceId: string;
  phase: RowPhase;
  /** A Failed device's own error text. */
  lastError?: string | undefined;
  /** The device's newest event about this deployment. */
  lastEvent?: AgentEvent | undefined;
  /** When its last heartbeat was received; undefined: it never reported. */
  heardAtMs?: number | undefined;
}

export interface DeploymentPageModel {
  aggregate: Aggregate;
  conditions: ShownCondition[];
  targets: AggregateTarget[];
  /** One device's row; computed on demand (a virtualized table asks for the rows in view). */
  row(target: AggregateTarget): DeviceRow;
}

type Lookup = (device: string) => DeviceReport | undefined;

function rowPhase(one: Aggregate): RowPhase {
  if (one.succeeded > 0) return "Running";
  if (one.failed > 0) return "Failed";
  if (one.pending > 0) return "Pending";
  return "Unreported";
}

function deviceRow(
  target: AggregateTarget,
  lookup: Lookup,
  nowMs: number,
  windowMs: number,
): DeviceRow {
  // One target's aggregate holds exactly one count: the row's phase, by the same rule.
  const one = aggregateDeployment([target], lookup, nowMs, windowMs);
  const report = lookup(target.device);
  return {
    deviceId: target.device,
    phase: rowPhase(one),
    lastError: one.lastError?.message,
    lastEvent: report?.eventsByKey.get(target.key)?.[0],
    heardAtMs: report?.receivedAtMs,
  };
}

/**
 * The devices a selector deployment was placed on, as far as this page knows
 * without asking: those whose heartbeat reports it. (The detail page asks the
 * server for the full match, which also counts the ones not heard from.)
 */
export function reportingDevices(
  deployment: DeploymentResource,
  devices: ReadonlyMap<string, DeviceSummary>,
): string[] {
  const { namespace, name } = deployment.metadata;
  const ids: string[] = [];
  for (const device of devices.values()) {
    if (device.deployments.some((d) => d.namespace === namespace && d.name === name))
      ids.push(device.deviceId);
  }
  return ids;
}

export function deploymentPageModel(
  deployment: DeploymentResource,
  devices: ReadonlyMap<string, DeviceSummary>,
  nowMs: number,
  heartbeatPeriodMs: number,
  /** The selector's targets; a device list deployment targets its list. */
  matched?: readonly string[],
): DeploymentPageModel {
  const targets = aggregateTargets({
    namespace: deployment.metadata.namespace,
    name: deployment.metadata.name,
    targetDevices:
      deployment.spec.targetDevices ?? matched ?? reportingDevices(deployment, devices),
  });
  const lookup: Lookup = (device) => {
    const summary = devices.get(device);
    return summary && reportOf(summary);
  };
  const windowMs = offlineAfterMs(heartbeatPeriodMs);
  const aggregate = aggregateDeployment(targets, lookup, nowMs, windowMs);
  const rows = new Map<string, DeviceRow>();
  return {
    aggregate,
    conditions: liveConditions(aggregate, targets.length, deployment.status?.rollout),
    targets,
    row(target) {
      let row = rows.get(target.device);
      if (!row) {
        row = deviceRow(target, lookup, nowMs, windowMs);
        rows.set(target.device, row);
      }
      return row;
    },
  };
}
