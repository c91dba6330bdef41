import { describe, expect, it } from "vitest";
import { decodeAgentStatus, encodeAgentStatus, RECENT_EVENTS_LIMIT } from "./agent-status.js";
import { CLIP_MARK } from "./clip.js";
import { PayloadError } from "./errors.js";
import { LABEL_TEXT_MAX_LENGTH, MESSAGE_MAX_LENGTH } from "./limits.js";

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const minimal = {
  deviceId: "pi-1",
  agentVersion: "0.1.0",
  lastHeartbeatAt: "2024-05-01T12:00:00Z",
};

describe("agent-status", () => {
  it("decodeAgentStatus - a minimal payload from an older agent decodes with defaults", () => {
    expect(decodeAgentStatus(bytesOf(minimal))).toEqual({
      ...minimal,
      schemaVersion: 1,
      deployments: {},
      recentEvents: [],
    });
  });

  it("decodeAgentStatus - a payload from a newer agent with extra fields decodes, extras dropped", () => {
    const newer = {
      ...minimal,
      schemaVersion: 1,
      gpu: { model: "jetson" },
      deployments: { "pi-1.shop.web_v1": { phase: "Running", restarts: 3 } },
      recentEvents: [
        { at: "2024-05-01T12:00:00Z", severity: "Info", message: "started", traceId: "t" },
      ],
      inventory: {
        cpuCores: 4,
        memoryBytes: 4e9,
        diskBytes: 3.2e10,
        kernel: "6.6",
        arch: "arm64",
        os: "linux",
        agentVersion: "0.1.0",
        temperatureC: 51,
      },
    };
    const decoded = decodeAgentStatus(bytesOf(newer));
    expect(decoded.deployments).toEqual({ "pi-1.shop.web_v1": { phase: "Running" } });
    expect(decoded.recentEvents[0]).toEqual({
      at: "2024-05-01T12:00:00Z",
      severity: "Info",
      message: "started",
    });
    expect(decoded.inventory).not.toHaveProperty("temperatureC");
    expect(decoded).not.toHaveProperty("gpu");
  });

  it("encodeAgentStatus - round-trips and is canonical", () => {
    const status = {
      ...minimal,
      deployments: { "pi-1.shop.web": { phase: "Failed" as const, lastError: "image not found" } },
    };
    const bytes = encodeAgentStatus(status);
    expect(decodeAgentStatus(bytes).deployments["pi-1.shop.web"]?.lastError).toBe(
      "image not found",
    );
    expect(encodeAgentStatus(decodeAgentStatus(bytes))).toEqual(bytes);
  });

  it("decodeAgentStatus - an older agent's over-long texts are clipped, never a reason to reject", () => {
    const huge = "e".repeat(600_000);
    const decoded = decodeAgentStatus(
      bytesOf({
        ...minimal,
        agentVersion: `0.0.1-${huge}`,
        deployments: { "pi-1.shop.web": { phase: "Failed", lastError: huge } },
        recentEvents: [{ at: "2024-05-01T12:00:00Z", severity: "Error", message: huge }],
        inventory: {
          cpuCores: 1,
          memoryBytes: 1,
          diskBytes: 1,
          kernel: huge,
          arch: "x",
          os: "y",
          agentVersion: "z",
        },
      }),
    );
    const lastError = decoded.deployments["pi-1.shop.web"]?.lastError ?? "";
    expect(lastError).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(lastError.endsWith(CLIP_MARK)).toBe(true);
    expect(decoded.recentEvents[0]?.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(decoded.agentVersion).toHaveLength(LABEL_TEXT_MAX_LENGTH);
    expect(decoded.inventory?.kernel).toHaveLength(LABEL_TEXT_MAX_LENGTH);
  });

  it("encodeAgentStatus - clips texts on the way out too", () => {
    const bytes = encodeAgentStatus({
      ...minimal,
      deployments: { "pi-1.shop.web": { phase: "Failed", lastError: "x".repeat(5000) } },
    });
    expect(bytes.length).toBeLessThan(MESSAGE_MAX_LENGTH + 500);
  });

  it("decodeAgentStatus - bounds the recent events ring", () => {
    const event = { at: "2024-05-01T12:00:00Z", severity: "Warning", message: "slow" };
    const events = Array.from({ length: RECENT_EVENTS_LIMIT + 1 }, () => event);
    expect(() => decodeAgentStatus(bytesOf({ ...minimal, recentEvents: events }))).toThrow(
      /recentEvents: must hold at most 50/,
    );
  });

  it("decodeAgentStatus - names a bad phase and a bad deployment key", () => {
    const payload = {
      ...minimal,
      deployments: { "pi-1.shop.web": { phase: "Exploded" }, "not-a-key": { phase: "Running" } },
    };
    try {
      decodeAgentStatus(bytesOf(payload));
      expect.unreachable();
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      expect(error.issues.map((issue) => issue.path)).toEqual([
        'deployments["pi-1.shop.web"].phase',
        'deployments["not-a-key"]',
      ]);
    }
  });

  it("decodeAgentStatus - says not JSON for garbage", () => {
    expect(() => decodeAgentStatus(new TextEncoder().encode(""))).toThrow(/not JSON/);
  });
});
