import { describe, expect, it } from "vitest";
import {
  aggregateSchema,
  CONDITION_READY,
  conditionSchema,
  deploymentStatusSchema,
  RECENT_AGGREGATE_EVENTS_LIMIT,
} from "./deployment-status.js";
import { MESSAGE_MAX_LENGTH } from "./limits.js";

const ready = {
  type: CONDITION_READY,
  status: "True",
  reason: "AllDevicesRunning",
  message: "",
  lastTransitionTime: "2024-05-01T12:00:00Z",
};

describe("deployment-status", () => {
  it("conditionSchema - accepts a standard condition and rejects a bad status or time", () => {
    expect(conditionSchema.safeParse(ready).success).toBe(true);
    expect(conditionSchema.safeParse({ ...ready, status: "Yes" }).success).toBe(false);
    expect(conditionSchema.safeParse({ ...ready, lastTransitionTime: "yesterday" }).success).toBe(
      false,
    );
    expect(conditionSchema.safeParse({ ...ready, reason: "not camel" }).success).toBe(false);
  });

  it("aggregateSchema - defaults counts and events", () => {
    expect(aggregateSchema.parse({})).toEqual({
      matchedDevices: 0,
      succeeded: 0,
      failed: 0,
      pending: 0,
      unreported: 0,
      conflicted: 0,
      recentEvents: [],
      recentFailures: [],
    });
  });

  it("aggregateSchema - bounds recent events and rejects negative counts", () => {
    const event = {
      at: "2024-05-01T12:00:00Z",
      device: "pi-1",
      severity: "Error",
      message: "boom",
    };
    const events = Array.from({ length: RECENT_AGGREGATE_EVENTS_LIMIT + 1 }, () => event);
    expect(aggregateSchema.safeParse({ recentEvents: events }).success).toBe(false);
    expect(aggregateSchema.safeParse({ recentEvents: events.slice(1) }).success).toBe(true);
    expect(aggregateSchema.safeParse({ failed: -1 }).success).toBe(false);
  });

  it("deploymentStatusSchema - defaults conditions and rejects duplicate condition types", () => {
    expect(deploymentStatusSchema.parse({})).toEqual({ conditions: [] });
    expect(deploymentStatusSchema.safeParse({ conditions: [ready, ready] }).success).toBe(false);
  });

  it("aggregateSchema - a message written before the limit is clipped on read, not rejected", () => {
    const long = "m".repeat(MESSAGE_MAX_LENGTH * 3);
    const parsed = aggregateSchema.parse({
      lastError: { device: "pi-1", message: long, at: "2024-05-01T12:00:00Z" },
      recentEvents: [
        { at: "2024-05-01T12:00:00Z", device: "pi-1", severity: "Error", message: long },
      ],
    });
    expect(parsed.lastError?.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(parsed.recentEvents[0]?.message).toHaveLength(MESSAGE_MAX_LENGTH);
  });

  it("deploymentStatusSchema - bounds the number of conditions", () => {
    const conditions = Array.from({ length: 33 }, (_, i) => ({ ...ready, type: `T${i}` }));
    expect(deploymentStatusSchema.safeParse({ conditions }).success).toBe(false);
    expect(deploymentStatusSchema.safeParse({ conditions: conditions.slice(1) }).success).toBe(
      true,
    );
  });
});
