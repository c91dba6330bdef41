// The operator against the real local platform: kube-apiserver + etcd and
// nats-server with JetStream. The operator runs as a child process; a small
// simulated agent in the test writes AgentStatus values into the KV.
import {
  desiredStateKey,
  encodeDesiredState,
  deploymentDesiredStateFilter,
  decodeDesiredState,
  type AgentStatusInput,
  type DeploymentPhase,
} from "@fleet/contracts";
import { platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { execa } from "execa";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Cluster,
  Kv,
  nginxSpec,
  runId,
  sameBytes,
  type StoredDeployment,
} from "./testing/fixtures.js";
import { startOperator, type OperatorProcess } from "./testing/operator-process.js";

const MAIN = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const HEARTBEAT = 1000;
const STALENESS = 3000;

let cluster: Cluster;
let kv: Kv;
let operator: OperatorProcess;

async function install(): Promise<string> {
  const { kubeconfig } = await platformConnection();
  const result = await execa(process.execPath, [
    "--import",
    "tsx",
    MAIN,
    "install",
    "--kubeconfig",
    kubeconfig,
  ]);
  return result.stdout;
}

/** The entry of a revision: `generation` is the one that made the revision (its first, here). */
function expectedPayload(
  cr: StoredDeployment,
  generation: number,
  tag: string,
  hostPort?: number,
  revision = generation,
): Uint8Array {
  const spec = nginxSpec(["x"], tag, hostPort);
  return encodeDesiredState({
    schemaVersion: 1,
    deployment: {
      namespace: cr.metadata.namespace,
      name: cr.metadata.name,
      uid: cr.metadata.uid,
      generation,
    },
    revision,
    score: spec.score,
  });
}

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  await install();
  operator = await startOperator(`op-main-${runId}`, [
    "--lease-name",
    `it-main-${runId}`,
    "--heartbeat-period",
    `${HEARTBEAT}ms`,
    "--staleness-window",
    `${STALENESS}ms`,
  ]);
  await operator.waitForState("leading");
});

afterAll(async () => {
  await operator.stop();
  await cluster.cleanup();
  await kv.cleanup(cluster.namespaces);
  await kv.close();
});

describe("operator - install", () => {
  it("install - a second run changes nothing and the CRD stays Established", async () => {
    const second = await install();
    expect(second).toContain("CRD already up to date");
    expect(second).toContain("CRD established");
    // Every CRD: the Device registry and its EnrollmentTokens are installed with the Deployments.
    for (const crd of [
      "deployments.iot.nationtech.io",
      "devices.iot.nationtech.io",
      "enrollmenttokens.iot.nationtech.io",
    ]) {
      expect(second).toContain(`"crd":"${crd}"`);
    }
  });
});

describe("operator - lifecycle", () => {
  it("lifecycle - create, update the image, retarget, delete", async () => {
    const ns = await cluster.namespace("life");
    const [d1, d2, d3] = ["l1", "l2", "l3"].map((d) => `${d}-${runId}`) as [string, string, string];
    const name = "web";
    const created = await cluster.create(ns, name, nginxSpec([d1, d2]));
    const key = (device: string): string => desiredStateKey({ device, namespace: ns, name });

    // create -> one entry per device, with the exact payload
    const v1 = expectedPayload(created, 1, "1.0");
    await waitUntil(
      async () => sameBytes(await kv.value(key(d1)), v1) && sameBytes(await kv.value(key(d2)), v1),
      {
        what: "desired state for both devices",
        timeoutMs: 20_000,
      },
    );
    expect(operator.logsWith("reconcile").some((l) => l.namespace === ns && l.name === name)).toBe(
      true,
    );
    const stored = await cluster.get(ns, name);
    expect(stored?.metadata.finalizers).toContain("iot.nationtech.io/desired-state");

    // update the image -> the entry changes
    await cluster.patchSpec(ns, name, nginxSpec([d1, d2], "1.1"));
    const v2 = expectedPayload(created, 2, "1.1");
    await waitUntil(
      async () => sameBytes(await kv.value(key(d1)), v2) && sameBytes(await kv.value(key(d2)), v2),
      {
        what: "desired state updated to 1.1",
        timeoutMs: 20_000,
      },
    );

    // retarget -> the dropped device's entry is removed, the new one appears
    await cluster.patchSpec(ns, name, { targetDevices: [d2, d3] });
    await waitUntil(
      async () =>
        (await kv.value(key(d1))) === undefined && (await kv.value(key(d3))) !== undefined,
      {
        what: "retargeted desired state",
        timeoutMs: 20_000,
      },
    );
    expect(await kv.keys(deploymentDesiredStateFilter({ namespace: ns, name }))).toEqual(
      [key(d2), key(d3)].sort(),
    );

    // delete -> the entries go first, then the CR
    await cluster.delete(ns, name);
    await waitUntil(async () => (await cluster.get(ns, name)) === undefined, {
      what: "CR gone",
      timeoutMs: 20_000,
    });
    expect(await kv.keys(deploymentDesiredStateFilter({ namespace: ns, name }))).toEqual([]);
  });
});

describe("operator - names", () => {
  it("names - dotted names and one name in two namespaces on one device never collide", async () => {
    const [nsA, nsB] = [await cluster.namespace("names-a"), await cluster.namespace("names-b")];
    const device = `n1-${runId}`;
    const name = "web.v1.example";
    const a = await cluster.create(nsA, name, nginxSpec([device], "1.0"));
    // Another host port: two CRs publishing one port on a device would clash.
    const b = await cluster.create(nsB, name, nginxSpec([device], "1.1", 18081));
    const keyA = desiredStateKey({ device, namespace: nsA, name });
    const keyB = desiredStateKey({ device, namespace: nsB, name });
    expect(keyA).not.toBe(keyB);
    await waitUntil(
      async () =>
        sameBytes(await kv.value(keyA), expectedPayload(a, 1, "1.0")) &&
        sameBytes(await kv.value(keyB), expectedPayload(b, 1, "1.1", 18081)),
      { what: "both namespaces' entries", timeoutMs: 20_000 },
    );
    await cluster.delete(nsA, name);
    await waitUntil(async () => (await kv.value(keyA)) === undefined, {
      what: "A removed",
      timeoutMs: 20_000,
    });
    const remaining = await kv.value(keyB);
    expect(remaining && decodeDesiredState(remaining).deployment.namespace).toBe(nsB);
    await cluster.delete(nsB, name);
  });
});

describe("operator - status aggregation", () => {
  const ns = `status-${runId}`;
  const name = "agg";
  const [running, failed, silent] = ["s-run", "s-fail", "s-silent"].map((d) => `${d}-${runId}`) as [
    string,
    string,
    string,
  ];
  const key = (device: string): string => desiredStateKey({ device, namespace: ns, name });
  const phases = new Map<string, { phase: DeploymentPhase; lastError?: string }>();
  let agent: NodeJS.Timeout | undefined;

  const heartbeat = async (device: string): Promise<void> => {
    const report = phases.get(device);
    const status: AgentStatusInput = {
      deviceId: device,
      agentVersion: "simulated",
      lastHeartbeatAt: new Date().toISOString(),
      deployments: report
        ? { [key(device)]: { ...report, lastEventAt: new Date().toISOString() } }
        : {},
      recentEvents: report?.lastError
        ? [
            {
              at: new Date().toISOString(),
              severity: "Error",
              message: report.lastError,
              deployment: key(device),
            },
          ]
        : [],
    };
    await kv.report(status);
  };
  const aggregateOf = async () => (await cluster.get(ns, name))?.status?.aggregate;

  beforeAll(async () => {
    await cluster.core.createNamespace({ body: { metadata: { name: ns } } });
    await cluster.create(ns, name, nginxSpec([running, failed, silent]));
  });

  afterAll(async () => {
    clearInterval(agent);
    await cluster.delete(ns, name).catch(() => undefined);
  });

  it("status - Running, Failed with an error and no report give 1 / 1 / 0 / 1 and name the failed device", async () => {
    phases.set(running, { phase: "Running" });
    phases.set(failed, { phase: "Failed", lastError: "image localhost/nope:1 not found" });
    const live = new Set([running, failed]);
    const beat = async (): Promise<void> => {
      for (const device of live) await heartbeat(device);
    };
    await beat();
    agent = setInterval(() => void beat(), HEARTBEAT);

    await waitUntil(
      async () => {
        const a = await aggregateOf();
        return a?.succeeded === 1 && a.failed === 1 && a.pending === 0 && a.unreported === 1;
      },
      { what: "aggregate 1/1/0/1", timeoutMs: 20_000 },
    );
    const stored = await cluster.get(ns, name);
    expect(stored?.status?.aggregate?.lastError).toMatchObject({
      device: failed,
      message: "image localhost/nope:1 not found",
    });
    expect(stored?.status?.aggregate?.recentEvents.some((e) => e.device === failed)).toBe(true);
    expect(stored?.status?.observedGeneration).toBe(1);
    const degraded = stored?.status?.conditions.find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "DevicesFailed" });
    expect(degraded?.message).toContain(failed);

    // Measured, not asserted: a status change -> the aggregate reflecting it.
    const samples: number[] = [];
    for (const phase of ["Pending", "Running", "Pending", "Running", "Pending"] as const) {
      phases.set(running, { phase });
      const start = performance.now();
      await heartbeat(running);
      await waitUntil(
        async () => {
          const a = await aggregateOf();
          return phase === "Running" ? a?.succeeded === 1 : a?.pending === 1;
        },
        { what: `aggregate shows ${phase}`, timeoutMs: 20_000, intervalMs: 20 },
      );
      samples.push(performance.now() - start);
    }
    const sorted = [...samples].sort((x, y) => x - y);
    console.log(
      `[measure] status change -> .status.aggregate: ${samples.map((s) => Math.round(s)).join(", ")} ms (median ${Math.round(sorted[2] ?? 0)} ms)`,
    );
    phases.set(running, { phase: "Running" });
  });

  it("status - a heartbeat that goes stale moves its device to unreported (noticed by a timer)", async () => {
    await waitUntil(async () => (await aggregateOf())?.succeeded === 1, {
      what: "running again",
      timeoutMs: 20_000,
    });
    clearInterval(agent);
    // Only the failed device keeps heartbeating; nothing is written for the running one.
    agent = setInterval(() => void heartbeat(failed), HEARTBEAT);
    const stoppedAt = performance.now();
    await waitUntil(
      async () => {
        const a = await aggregateOf();
        return a?.succeeded === 0 && a.unreported === 2 && a.failed === 1;
      },
      { what: "stale device unreported", timeoutMs: 20_000, intervalMs: 50 },
    );
    console.log(
      `[measure] last heartbeat -> unreported: ${Math.round(performance.now() - stoppedAt)} ms (staleness window ${STALENESS} ms)`,
    );
  });

  it("status - a malformed heartbeat is ignored and the operator keeps aggregating", async () => {
    await kv.status.put(`status.${silent}`, new TextEncoder().encode("{not json"));
    phases.set(silent, { phase: "Running" });
    await heartbeat(silent);
    await waitUntil(async () => (await aggregateOf())?.succeeded === 1, {
      what: "silent device running",
      timeoutMs: 20_000,
    });
    expect(operator.exited()).toBe(false);
    expect(operator.logsWith("ignoring malformed heartbeat").length).toBeGreaterThan(0);
  });
});
