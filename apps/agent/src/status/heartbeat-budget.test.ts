import {
  AGENT_STATUS_MAX_BYTES,
  decodeAgentStatus,
  desiredStateKey,
  encodeAgentStatus,
  MESSAGE_MAX_LENGTH,
  RECENT_EVENTS_LIMIT,
  type AgentStatus,
  type DeploymentReport,
} from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { fitHeartbeat } from "./heartbeat-budget.js";

const AT = "2026-01-01T00:00:00.000Z";
// A 600 KB image reference, as an error text would quote it. Control characters
// cost six bytes each in JSON (\u0001), the worst case per character.
const HUGE_IMAGE = `registry.example.com/${"\u0001".repeat(600_000)}`;
const hugeError = `cannot pull image "${HUGE_IMAGE}": manifest unknown`;

const keyOf = (i: number, name = `app-${i}`): string =>
  desiredStateKey({ device: "pi-1", namespace: "ns", name });

function status(deployments: Record<string, DeploymentReport>, events = 0): AgentStatus {
  return {
    schemaVersion: 1,
    deviceId: "pi-1",
    agentVersion: "0.1.0",
    lastHeartbeatAt: AT,
    deployments,
    recentEvents: Array.from({ length: events }, (_, i) => ({
      at: AT,
      severity: "Error" as const,
      message: `${i} ${hugeError}`,
      deployment: keyOf(i % 3),
    })),
    inventory: {
      cpuCores: 4,
      memoryBytes: 1,
      diskBytes: 1,
      kernel: "6.6",
      arch: "arm64",
      os: "linux",
      agentVersion: "0.1.0",
    },
  };
}

function failing(count: number): Record<string, DeploymentReport> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      keyOf(i),
      {
        phase: i % 2 === 0 ? "Failed" : "Running",
        revision: i + 1,
        lastError: hugeError,
        lastEventAt: AT,
      },
    ]),
  );
}

describe("heartbeat budget", () => {
  it("fitHeartbeat - a status that fits is encoded unchanged", () => {
    const small = status({ [keyOf(0)]: { phase: "Running" } }, 3);
    const fitted = fitHeartbeat(small);
    expect(fitted.reductions).toEqual([]);
    expect(fitted.bytes).toEqual(encodeAgentStatus(small));
  });

  it("fitHeartbeat - 600 KB errors on 300 deployments and a full ring: within budget, every phase and revision kept", () => {
    const input = status(failing(300), RECENT_EVENTS_LIMIT);
    const fitted = fitHeartbeat(input);
    expect(fitted.bytes.length).toBeLessThanOrEqual(AGENT_STATUS_MAX_BYTES);
    const decoded = decodeAgentStatus(fitted.bytes);
    expect(decoded.deviceId).toBe("pi-1");
    expect(decoded.lastHeartbeatAt).toBe(AT);
    expect(Object.keys(decoded.deployments)).toHaveLength(300);
    for (const [key, report] of Object.entries(input.deployments)) {
      expect(decoded.deployments[key]?.phase).toBe(report.phase);
      expect(decoded.deployments[key]?.revision).toBe(report.revision);
    }
    expect(fitted.reductions[0]).toMatch(/^dropped \d+ of 50 recent events$/);
  });

  it("fitHeartbeat - the oldest events go first, and error texts stay when events suffice", () => {
    const input = status(failing(2), RECENT_EVENTS_LIMIT);
    const fitted = fitHeartbeat(input);
    expect(fitted.bytes.length).toBeLessThanOrEqual(AGENT_STATUS_MAX_BYTES);
    const decoded = decodeAgentStatus(fitted.bytes);
    const kept = decoded.recentEvents.map((event) => Number(event.message.split(" ")[0]));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(RECENT_EVENTS_LIMIT);
    // The newest events, in order.
    expect(kept).toEqual(
      Array.from({ length: kept.length }, (_, i) => RECENT_EVENTS_LIMIT - kept.length + i),
    );
    expect(decoded.deployments[keyOf(0)]?.lastError).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(fitted.reductions).toHaveLength(1);
  });

  it("fitHeartbeat - thousands of deployments with long names: within budget, identity and time kept", () => {
    const long = "n".repeat(200);
    const deployments = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [
        keyOf(i, `${long}-${i}`),
        { phase: "Failed" as const, revision: 7, lastError: hugeError, lastEventAt: AT },
      ]),
    );
    const fitted = fitHeartbeat(status(deployments, RECENT_EVENTS_LIMIT));
    expect(fitted.bytes.length).toBeLessThanOrEqual(AGENT_STATUS_MAX_BYTES);
    const decoded = decodeAgentStatus(fitted.bytes);
    expect(decoded.deviceId).toBe("pi-1");
    expect(decoded.lastHeartbeatAt).toBe(AT);
    const kept = Object.keys(decoded.deployments).length;
    expect(kept).toBeGreaterThan(500);
    expect(fitted.reductions.at(-1)).toBe(`kept the phases of ${kept} of 2000 deployments`);
    // Error texts and times went; what a rollout counts by stayed with every kept phase.
    for (const report of Object.values(decoded.deployments)) {
      expect(report).toEqual({ phase: "Failed", revision: 7 });
    }
  });

  it("fitHeartbeat - when error texts go, phase and revision stay, and a report without a revision gets none", () => {
    const deployments: Record<string, DeploymentReport> = {
      ...failing(120),
      [keyOf(999, "legacy")]: { phase: "Running", lastError: hugeError, lastEventAt: AT },
    };
    // A budget the 64-character error texts overflow and the bare phases fit.
    const fitted = fitHeartbeat(status(deployments, RECENT_EVENTS_LIMIT), 20_000);
    expect(fitted.bytes.length).toBeLessThanOrEqual(20_000);
    expect(fitted.reductions.at(-1)).toBe("dropped error texts, event times and the inventory");
    const decoded = decodeAgentStatus(fitted.bytes);
    expect(decoded.deployments[keyOf(0)]).toEqual({ phase: "Failed", revision: 1 });
    expect(decoded.deployments[keyOf(1)]).toEqual({ phase: "Running", revision: 2 });
    expect(decoded.deployments[keyOf(999, "legacy")]).toEqual({ phase: "Running" });
  });
});
