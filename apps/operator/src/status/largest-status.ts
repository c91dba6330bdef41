// The largest status the fold (buildStatus) can produce, for the size-budget
// tests: every text at its clip limit and made of the characters that cost
// the most as JSON, every list full, every name and time at its longest.
import {
  agentStatusSchema,
  clipMessage,
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  RECENT_AGGREGATE_EVENTS_LIMIT,
  RECENT_EVENTS_LIMIT,
  ROLLOUT_BATCHES_MAX_ITEMS,
  ROLLOUT_FAILURES_LIMIT,
  TARGET_DEVICES_MAX_ITEMS,
  TIMESTAMP_MAX_LENGTH,
  toDeviceReport,
  type AggregateTarget,
  type DeploymentStatus,
  type DeviceReport,
  type RolloutStatus,
} from "@fleet/contracts";
import { buildStatus } from "./build-status.js";

/**
 * A control character is written as `\u0001` in JSON, by JavaScript and by the
 * API server (Go also escapes <, > and & that way): six bytes per character,
 * the most any UTF-16 code unit costs.
 */
const COSTLIEST = "\u0001";

/** An RFC 3339 time of TIMESTAMP_MAX_LENGTH characters (a long fraction), `ms` after 2026. */
function longTime(ms: number): string {
  const head = new Date(Date.UTC(2026, 0, 1) + ms).toISOString().slice(0, -1); // no "Z"
  return `${head}${"0".repeat(TIMESTAMP_MAX_LENGTH - head.length - 1)}Z`;
}

/** The longest device id, distinct per index. */
function longDevice(index: number): string {
  const suffix = `-${index}`;
  return "d".repeat(DNS1123_LABEL_MAX_LENGTH - suffix.length) + suffix;
}

/** Device error texts in status.rollout.failure are clipped this short. */
const FAILURE_DEVICE_MESSAGE_MAX_LENGTH = 256;

/** status.rollout at its largest: every batch (the left-over one too) with both times, 20 failed devices. */
export function largestRollout(text: string): RolloutStatus {
  const big = Number.MAX_SAFE_INTEGER;
  return {
    revision: big,
    stableRevision: big,
    phase: "WaitingForApproval",
    currentBatch: ROLLOUT_BATCHES_MAX_ITEMS + 1,
    totalBatches: ROLLOUT_BATCHES_MAX_ITEMS + 1,
    batches: Array.from({ length: ROLLOUT_BATCHES_MAX_ITEMS + 1 }, (_, i) => ({
      state: "InProgress",
      devices: big,
      updated: big,
      failed: big,
      deferred: big,
      startedAt: longTime(i),
      finishedAt: longTime(i + 1),
    })),
    nextBatchAt: longTime(0),
    message: clipMessage(text),
    failure: {
      reason: "BatchTimedOut",
      batch: big,
      message: clipMessage(text),
      devices: Array.from({ length: ROLLOUT_FAILURES_LIMIT }, (_, i) => ({
        device: longDevice(i),
        message: clipMessage(text, FAILURE_DEVICE_MESSAGE_MAX_LENGTH),
      })),
      at: longTime(0),
    },
  };
}

export function largestFoldedStatus(namespace: string, name: string): DeploymentStatus {
  const text = COSTLIEST.repeat(10_000);
  // Enough failing devices to fill the event list from distinct devices, and
  // the rest of the maximum target count unreported (it only grows the counts).
  const reporting = RECENT_AGGREGATE_EVENTS_LIMIT;
  const targets: AggregateTarget[] = [];
  const reports = new Map<string, DeviceReport>();
  const receivedAtMs = Date.UTC(2026, 0, 1) + 3_600_000;
  for (let i = 0; i < reporting; i++) {
    const device = longDevice(i);
    const key = `${device}.${namespace}.${name.replaceAll(".", "_")}`;
    targets.push({ device, key });
    const status = agentStatusSchema.parse({
      deviceId: device,
      agentVersion: text,
      lastHeartbeatAt: longTime(1000),
      deployments: { [key]: { phase: "Failed", lastError: text, lastEventAt: longTime(i) } },
      recentEvents: Array.from({ length: RECENT_EVENTS_LIMIT }, (_, e) => ({
        at: longTime(i * RECENT_EVENTS_LIMIT + e),
        severity: "Error",
        message: `${e}${text}`,
        deployment: key,
      })),
    });
    reports.set(device, toDeviceReport(device, status, receivedAtMs));
  }
  for (let i = reporting; i < TARGET_DEVICES_MAX_ITEMS; i++) {
    const device = longDevice(i);
    targets.push({ device, key: `${device}.${namespace}.${name}` });
  }
  // Clashes both ways, with the longest names: the HostPortConflict message at its clip limit.
  const other = `${"n".repeat(DNS1123_LABEL_MAX_LENGTH)}/${"x".repeat(DNS1123_SUBDOMAIN_MAX_LENGTH)}`;
  const clash = { device: longDevice(0), other, port: "65535/SCTP" };
  const conflict = {
    withheld: TARGET_DEVICES_MAX_ITEMS,
    example: clash,
    blocking: Array.from({ length: 8 }, () => ({ ...clash, devices: TARGET_DEVICES_MAX_ITEMS })),
  };
  return buildStatus(
    {
      generation: Number.MAX_SAFE_INTEGER,
      targets,
      conflict,
      specProblem: undefined,
      previousConditions: [],
      rollout: largestRollout(text),
      commandProblem: clipMessage(text),
    },
    (device) => reports.get(device),
    receivedAtMs,
    60_000,
  );
}
