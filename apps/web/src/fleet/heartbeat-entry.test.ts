import { encodeAgentStatus, isInvalidKeyError, isPayloadError } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { decodeHeartbeatEntry } from "./heartbeat-entry";

const heartbeat = (deviceId: string): Uint8Array =>
  encodeAgentStatus({
    deviceId,
    agentVersion: "0.1.0",
    lastHeartbeatAt: "2026-01-01T00:00:00Z",
  });

const caught = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
};

describe("heartbeat entry - the key names the device", () => {
  it("decodes a put whose payload matches its key", () => {
    const entry = decodeHeartbeatEntry({
      key: "status.pi-1",
      operation: "PUT",
      value: heartbeat("pi-1"),
    });
    expect(entry.kind).toBe("put");
    expect(entry.deviceId).toBe("pi-1");
  });

  it("refuses a put to status.a that claims to be device b", () => {
    const error = caught(() =>
      decodeHeartbeatEntry({ key: "status.a", operation: "PUT", value: heartbeat("b") }),
    );
    expect(isPayloadError(error)).toBe(true);
    expect(isPayloadError(error) && error.issues[0]?.path).toBe("deviceId");
    expect(String(error)).toMatch(/"b" does not match its key "status.a"/);
  });

  it("refuses a key that is not status.<device>", () => {
    const error = caught(() =>
      decodeHeartbeatEntry({ key: "other.a", operation: "PUT", value: heartbeat("a") }),
    );
    expect(isInvalidKeyError(error)).toBe(true);
  });

  it("refuses a malformed payload, naming the field", () => {
    const error = caught(() =>
      decodeHeartbeatEntry({
        key: "status.a",
        operation: "PUT",
        value: new TextEncoder().encode(JSON.stringify({ deviceId: "a" })),
      }),
    );
    expect(isPayloadError(error)).toBe(true);
    expect(String(error)).toMatch(/agentVersion/);
  });

  it("turns a delete or purge into the key's device leaving", () => {
    for (const operation of ["DEL", "PURGE"] as const) {
      expect(
        decodeHeartbeatEntry({ key: "status.a", operation, value: new Uint8Array() }),
      ).toStrictEqual({ kind: "delete", deviceId: "a" });
    }
  });
});
