// Keeps every encoded heartbeat within AGENT_STATUS_MAX_BYTES, whatever the
// device's errors are. A heartbeat over NATS's payload limit would be refused,
// and the device would then look offline; so when the full status does not fit,
// detail goes first, in this order, until it does:
//   1. the oldest recent events;
//   2. error texts, clipped to 256 and then 64 characters;
//   3. error texts and event times altogether, and the inventory;
//   4. (only with hundreds of deployments) the deployments that no longer fit.
// deviceId, agentVersion, the heartbeat time and, short of step 4, every
// deployment's phase and revision always survive (a staged rollout counts a
// device by the two together).
import {
  AGENT_STATUS_MAX_BYTES,
  agentStatusSchema,
  canonicalJson,
  clipMessage,
  encodeAgentStatus,
  type AgentStatus,
  type DeploymentReport,
} from "@fleet/contracts";

/** Error text lengths tried in step 2, longest first. */
const CLIPPED_ERROR_LENGTHS = [256, 64] as const;

export interface FittedHeartbeat {
  bytes: Uint8Array;
  /** What had to go, for a log line; empty when the full status fit. */
  reductions: string[];
}

const encoder = new TextEncoder();
const sizeOf = (value: unknown): number => encoder.encode(canonicalJson(value)).length;

function mapDeployments(
  status: AgentStatus,
  change: (report: DeploymentReport) => DeploymentReport,
): AgentStatus {
  const deployments = Object.fromEntries(
    Object.entries(status.deployments).map(([key, report]) => [key, change(report)]),
  );
  return { ...status, deployments };
}

/** Step 1: drops the oldest events (the ring is oldest first) until the status fits, or none are left. */
function dropOldestEvents(status: AgentStatus, over: number): AgentStatus {
  const events = status.recentEvents;
  let freed = 0;
  let drop = 0;
  // Each event costs its JSON plus one comma; an estimate the caller verifies.
  while (freed < over && drop < events.length) {
    freed += sizeOf(events[drop]) + 1;
    drop++;
  }
  return { ...status, recentEvents: events.slice(drop) };
}

/** Step 4: the deployments (in key order) whose phases (and revisions) fit next to the rest. */
function keepDeploymentsThatFit(status: AgentStatus, maxBytes: number): AgentStatus {
  let size = sizeOf({ ...status, deployments: {} });
  const kept: Record<string, DeploymentReport> = {};
  for (const key of Object.keys(status.deployments).sort()) {
    const report = status.deployments[key];
    if (report === undefined) continue;
    const cost = sizeOf(key) + 1 + sizeOf(report) + 1;
    if (size + cost > maxBytes) break;
    kept[key] = report;
    size += cost;
  }
  return { ...status, deployments: kept };
}

/** Encodes `input`, trimmed as above so that the result is at most `maxBytes` long. */
export function fitHeartbeat(
  input: AgentStatus,
  maxBytes: number = AGENT_STATUS_MAX_BYTES,
): FittedHeartbeat {
  // Parsing clips every text to its schema maximum and applies defaults.
  let status = agentStatusSchema.parse(input);
  let bytes = encodeAgentStatus(status);
  const reductions: string[] = [];
  const fits = (): boolean => bytes.length <= maxBytes;
  const attempt = (next: AgentStatus, reduction: string): void => {
    status = next;
    bytes = encodeAgentStatus(status);
    reductions.push(reduction);
  };

  if (!fits() && status.recentEvents.length > 0) {
    const before = status.recentEvents.length;
    while (!fits() && status.recentEvents.length > 0) {
      const next = dropOldestEvents(status, Math.max(1, bytes.length - maxBytes));
      status = next;
      bytes = encodeAgentStatus(status);
    }
    reductions.push(`dropped ${before - status.recentEvents.length} of ${before} recent events`);
  }
  for (const length of CLIPPED_ERROR_LENGTHS) {
    if (fits()) break;
    attempt(
      mapDeployments(status, (report) =>
        report.lastError === undefined
          ? report
          : { ...report, lastError: clipMessage(report.lastError, length) },
      ),
      `clipped error texts to ${length} characters`,
    );
  }
  if (!fits()) {
    const { inventory: _dropped, ...withoutInventory } = status;
    attempt(
      mapDeployments(withoutInventory, ({ phase, revision }) =>
        revision === undefined ? { phase } : { phase, revision },
      ),
      "dropped error texts, event times and the inventory",
    );
  }
  if (!fits()) {
    const total = Object.keys(status.deployments).length;
    attempt(keepDeploymentsThatFit(status, maxBytes), "");
    const kept = Object.keys(status.deployments).length;
    reductions[reductions.length - 1] = `kept the phases of ${kept} of ${total} deployments`;
  }
  return { bytes, reductions };
}
