import type { Condition, DeviceInventorySummary } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { kubeTime } from "../status/build-status.js";
import {
  statusPatchFor,
  type DeviceStatusPatch,
  type Observation,
  type TransitionRules,
  type WrittenStatus,
} from "./transitions.js";

const T0 = Date.parse("2026-11-30T12:00:00Z");
const HOUR = 3_600_000;
const rules: TransitionRules = { windowMs: 15_000, lastSeenRefreshMs: HOUR, startedAtMs: T0 };
const inventory: DeviceInventorySummary = {
  arch: "arm64",
  os: "linux",
  kernel: "6.1.0",
  cpuCores: 4,
  memoryBytes: 4_000_000_000,
  diskBytes: 32_000_000_000,
};
const seen = (receivedAtMs: number, extra: Partial<Observation> = {}): Observation => ({
  receivedAtMs,
  agentVersion: "1.2.0",
  inventory,
  reportedDeployments: 0,
  ...extra,
});
const nothingWritten: WrittenStatus = { conditions: [] };

/** What the API server holds after a merge patch of these fields. */
function applied(written: WrittenStatus, patch: DeviceStatusPatch | undefined): WrittenStatus {
  return { ...written, ...patch };
}

describe("statusPatchFor", () => {
  it("statusPatchFor - a first heartbeat makes the Device Online with version, inventory and the condition", () => {
    const patch = statusPatchFor(seen(T0 + 100), nothingWritten, rules, T0 + 100);
    expect(patch).toEqual({
      connectivity: "Online",
      lastSeenAt: kubeTime(T0 + 100),
      agentVersion: "1.2.0",
      inventory,
      reportedDeployments: 0,
      conditions: [
        {
          type: "Online",
          status: "True",
          reason: "HeartbeatFresh",
          message: "heartbeats arrive within the 15s window",
          lastTransitionTime: kubeTime(T0 + 100),
        },
      ],
    });
  });

  it("statusPatchFor - heartbeats that change nothing need no patch, for up to an hour", () => {
    const written = applied(nothingWritten, statusPatchFor(seen(T0), nothingWritten, rules, T0));
    for (let at = T0 + 5000; at < T0 + HOUR; at += 5000) {
      expect(statusPatchFor(seen(at), written, rules, at)).toBeUndefined();
    }
  });

  it("statusPatchFor - while online, lastSeenAt alone is refreshed once an hour has passed", () => {
    const written = applied(nothingWritten, statusPatchFor(seen(T0), nothingWritten, rules, T0));
    const at = T0 + HOUR + 2000;
    expect(statusPatchFor(seen(at), written, rules, at)).toEqual({ lastSeenAt: kubeTime(at) });
  });

  it("statusPatchFor - heartbeats stopping make it Offline once the window passes, keeping the last sighting", () => {
    const written = applied(nothingWritten, statusPatchFor(seen(T0), nothingWritten, rules, T0));
    expect(statusPatchFor(seen(T0), written, rules, T0 + 15_000)).toBeUndefined();
    const patch = statusPatchFor(seen(T0), written, rules, T0 + 15_001);
    expect(patch).toMatchObject({ connectivity: "Offline", lastSeenAt: kubeTime(T0) });
    expect(patch?.conditions).toEqual([
      {
        type: "Online",
        status: "False",
        reason: "HeartbeatStale",
        message: "no heartbeat received for more than 15s",
        lastTransitionTime: kubeTime(T0 + 15_001),
      },
    ]);
    // Once written Offline, a stale device stays quiet (no hourly refresh while offline).
    const offline = applied(written, patch);
    expect(statusPatchFor(seen(T0), offline, rules, T0 + 3 * HOUR)).toBeUndefined();
  });

  it("statusPatchFor - a new agent version or inventory is a transition; an absent inventory is not", () => {
    const written = applied(nothingWritten, statusPatchFor(seen(T0), nothingWritten, rules, T0));
    expect(
      statusPatchFor(seen(T0 + 5000, { agentVersion: "1.3.0" }), written, rules, T0 + 5000),
    ).toMatchObject({ agentVersion: "1.3.0", connectivity: "Online" });
    const bigger = { ...inventory, memoryBytes: 8_000_000_000 };
    expect(
      statusPatchFor(seen(T0 + 5000, { inventory: bigger }), written, rules, T0 + 5000),
    ).toMatchObject({ inventory: bigger });
    expect(
      statusPatchFor(seen(T0 + 5000, { inventory: undefined }), written, rules, T0 + 5000),
    ).toBeUndefined();
  });

  it("statusPatchFor - a new count of reported deployments is a transition, the same count is not", () => {
    const written = applied(
      nothingWritten,
      statusPatchFor(seen(T0, { reportedDeployments: 2 }), nothingWritten, rules, T0),
    );
    expect(written.reportedDeployments).toBe(2);
    expect(
      statusPatchFor(seen(T0 + 5000, { reportedDeployments: 2 }), written, rules, T0 + 5000),
    ).toBeUndefined();
    expect(
      statusPatchFor(seen(T0 + 5000, { reportedDeployments: 0 }), written, rules, T0 + 5000),
    ).toMatchObject({ reportedDeployments: 0, connectivity: "Online" });
  });

  it("statusPatchFor - the Online condition keeps its transition time while its status holds, and other conditions stay", () => {
    const other: Condition = {
      type: "example.com/Audited",
      status: "True",
      reason: "Done",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    };
    const online: Condition = {
      type: "Online",
      status: "True",
      reason: "HeartbeatFresh",
      message: "heartbeats arrive within the 15s window",
      lastTransitionTime: "2026-11-29T00:00:00Z",
    };
    const written: WrittenStatus = {
      connectivity: "Online",
      agentVersion: "1.0.0",
      conditions: [other, online],
    };
    const patch = statusPatchFor(seen(T0), written, rules, T0);
    expect(patch?.conditions).toEqual([other, online]);
  });

  it("statusPatchFor - a Device written Online with no heartbeat since start turns Offline only after a window", () => {
    const written: WrittenStatus = { connectivity: "Online", conditions: [] };
    expect(statusPatchFor(undefined, written, rules, T0 + 15_000)).toBeUndefined();
    expect(statusPatchFor(undefined, written, rules, T0 + 15_001)).toMatchObject({
      connectivity: "Offline",
    });
    // Never heard of and never written: nothing to say.
    expect(statusPatchFor(undefined, nothingWritten, rules, T0 + HOUR)).toBeUndefined();
  });

  it("statusPatchFor - a heartbeat replayed from KV that is already stale writes Offline with its time", () => {
    const patch = statusPatchFor(seen(T0 - HOUR), nothingWritten, rules, T0);
    expect(patch).toMatchObject({ connectivity: "Offline", lastSeenAt: kubeTime(T0 - HOUR) });
  });
});
