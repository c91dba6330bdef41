import { desiredStateKey, encodeDesiredState, type AgentStatus } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import {
  inconsistencies,
  recreatedContainers,
  repeatedWrites,
  type ContainerView,
  type CrView,
  type WorldSnapshot,
} from "./consistency.js";
import type { HistoryOp } from "./desired-history.js";
import { imageOf, specOf, type DeploymentPlan } from "./workload.js";

const NS = "faults";
const PLAN: DeploymentPlan = { devices: ["real-0", "sim-0"], version: 2 };
const KEY = (device: string): string => desiredStateKey({ device, namespace: NS, name: "web" });

const entry = (version: number, revision = version): Uint8Array =>
  encodeDesiredState({
    schemaVersion: 1,
    deployment: { namespace: NS, name: "web", uid: "uid-1", generation: version },
    revision,
    score: specOf({ ...PLAN, version }).score,
  });

const heartbeat = (device: string, revision: number): AgentStatus => ({
  schemaVersion: 1,
  deviceId: device,
  agentVersion: "test",
  lastHeartbeatAt: "2026-11-30T20:00:00.000Z",
  deployments: { [KEY(device)]: { phase: "Running", revision } },
  recentEvents: [],
});

const cr = (): CrView => ({
  name: "web",
  uid: "uid-1",
  generation: 2,
  spec: specOf(PLAN),
  status: {
    observedGeneration: 2,
    conditions: [],
    aggregate: {
      matchedDevices: 2,
      succeeded: 2,
      failed: 0,
      pending: 0,
      unreported: 0,
      conflicted: 0,
      recentEvents: [],
      recentFailures: [],
    },
  },
});

const container = (id = "c1", image = imageOf(2)): ContainerView => ({
  id,
  state: "running",
  image,
  deploymentKey: KEY("real-0"),
});

function world(change: Partial<WorldSnapshot> = {}): WorldSnapshot {
  return {
    namespace: NS,
    deployments: [cr()],
    entries: new Map([
      [KEY("real-0"), entry(2)],
      [KEY("sim-0"), entry(2)],
    ]),
    upDevices: new Set(["real-0", "sim-0"]),
    heartbeats: new Map([
      ["real-0", heartbeat("real-0", 2)],
      ["sim-0", heartbeat("sim-0", 2)],
    ]),
    containers: new Map([["real-0", [container()]]]),
    expected: new Map([["web", PLAN]]),
    ...change,
  };
}

describe("consistency - inconsistencies", () => {
  it("a world where CR, KV, heartbeats, status and containers agree has none", () => {
    expect(inconsistencies(world())).toEqual([]);
  });

  it("an applied write the CR does not show is lost", () => {
    const expected = new Map([["web", { ...PLAN, version: 3 }]]);
    expect(inconsistencies(world({ expected }))).toEqual([
      "web: CR score is not the last one applied (version 3)",
    ]);
  });

  it("a deleted Deployment whose CR or entries remain", () => {
    const problems = inconsistencies(
      world({ expected: new Map([["web", undefined]]), deployments: [] }),
    );
    expect(problems).toEqual([
      `${KEY("real-0")}: KV entry of no live Deployment`,
      `${KEY("sim-0")}: KV entry of no live Deployment`,
    ]);
  });

  it("a device without its entry, or with an older one", () => {
    const entries = new Map([[KEY("real-0"), entry(1)]]);
    const problems = inconsistencies(world({ entries }));
    expect(problems).toContain("web: sim-0: no KV entry");
    expect(problems).toContain("web: real-0: entry is not the CR's score");
  });

  it("a heartbeat on another revision, and a status that does not count it", () => {
    const heartbeats = new Map([
      ["real-0", heartbeat("real-0", 2)],
      ["sim-0", heartbeat("sim-0", 1)],
    ]);
    expect(inconsistencies(world({ heartbeats }))).toEqual([
      "web: sim-0: heartbeat says Running at revision 1, entry is 2",
      'web: status.aggregate {"matchedDevices":2,"succeeded":2,"failed":0,"pending":0}, heartbeats say {"matchedDevices":2,"succeeded":1,"failed":0,"pending":0}',
    ]);
  });

  it("a container missing, stopped, on the old image, or without an entry", () => {
    expect(inconsistencies(world({ containers: new Map([["real-0", []]]) }))).toEqual([
      `${KEY("real-0")}: 0 containers on real-0, want 1`,
    ]);
    const stale = { ...container("c1", imageOf(1)), state: "exited" };
    expect(inconsistencies(world({ containers: new Map([["real-0", [stale]]]) }))).toEqual([
      `${KEY("real-0")}: container exited on ${imageOf(1)}, want running ${imageOf(2)}`,
    ]);
    const orphan = {
      ...container("c2"),
      deploymentKey: desiredStateKey({ device: "real-0", namespace: NS, name: "gone" }),
    };
    expect(
      inconsistencies(world({ containers: new Map([["real-0", [container(), orphan]]]) })),
    ).toEqual([`${orphan.deploymentKey}: container on real-0 without a KV entry`]);
  });
});

describe("consistency - repeatedWrites", () => {
  const op = (seq: number, operation: HistoryOp["operation"], version: number): HistoryOp => ({
    seq,
    key: KEY("sim-0"),
    operation,
    value: operation === "PUT" ? entry(version) : new Uint8Array(),
  });

  it("the same bytes put twice in a row is a write applied twice", () => {
    expect(repeatedWrites([op(1, "PUT", 1), op(2, "PUT", 1)])).toEqual([
      `${KEY("sim-0")}: the same entry written twice (seq 1 and 2)`,
    ]);
  });

  it("changes, and a put again after a delete, are not", () => {
    expect(
      repeatedWrites([op(1, "PUT", 1), op(2, "PUT", 2), op(3, "DEL", 0), op(4, "PUT", 2)]),
    ).toEqual([]);
  });
});

describe("consistency - recreatedContainers", () => {
  it("a container replaced although its entry kept its bytes", () => {
    const after = world({ containers: new Map([["real-0", [container("c2")]]]) });
    expect(recreatedContainers(world(), after)).toEqual([
      `${KEY("real-0")}: container recreated on real-0 although its entry did not change`,
    ]);
  });

  it("a container replaced for a new entry is an upgrade", () => {
    const before = world({ entries: new Map([[KEY("real-0"), entry(1)]]) });
    const after = world({ containers: new Map([["real-0", [container("c2")]]]) });
    expect(recreatedContainers(before, after)).toEqual([]);
  });
});
