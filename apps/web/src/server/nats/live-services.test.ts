import { describe, expect, it } from "vitest";
import { readinessOf } from "./live-services";

describe("dashboard readiness - from its NATS parts", () => {
  it("is ready when every part is up", () => {
    expect(
      readinessOf([
        { part: "agent-status cache", health: { up: true, reason: "watching agent-status" } },
        { part: "session verdicts", health: { up: true, reason: "connected to NATS" } },
      ]),
    ).toStrictEqual({ ready: true, reasons: [] });
  });

  it("names each part that is down, with its reason", () => {
    expect(
      readinessOf([
        {
          part: "agent-status cache",
          health: { up: false, reason: "NATS connection closed: Authorization Violation" },
        },
        { part: "session verdicts", health: { up: true, reason: "connected to NATS" } },
      ]),
    ).toStrictEqual({
      ready: false,
      reasons: ["agent-status cache: NATS connection closed: Authorization Violation"],
    });
  });
});
