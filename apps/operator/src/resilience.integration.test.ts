// Restarts and leader election, with the operator as real child processes:
// operator killed mid-way, nats-server and kube-apiserver restarted, and two
// replicas where only the leader writes until it is SIGKILLed.
import {
  decodeDesiredState,
  deploymentDesiredStateFilter,
  desiredStateKey,
  type AgentStatusInput,
} from "@fleet/contracts";
import { kubeConfigFor, restartServer, waitUntil } from "@fleet/local-platform/testing";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { installCrd } from "./install.js";
import { Cluster, Kv, nginxSpec, runId } from "./testing/fixtures.js";
import { startOperator, type OperatorProcess } from "./testing/operator-process.js";

const LEASE = ["--lease-duration", "3s", "--lease-renew-period", "500ms"];
let cluster: Cluster;
let kv: Kv;
const running: OperatorProcess[] = [];

async function operator(
  name: string,
  lease: string,
  namespace: string,
  leaseTimes: string[] = LEASE,
): Promise<OperatorProcess> {
  const op = await startOperator(`${name}-${runId}`, [
    "--lease-name",
    lease,
    "--namespace",
    namespace,
    ...leaseTimes,
  ]);
  running.push(op);
  return op;
}

const entry = async (device: string, namespace: string, name: string) => {
  const bytes = await kv.value(desiredStateKey({ device, namespace, name }));
  return bytes === undefined ? undefined : decodeDesiredState(bytes);
};

const imageOf = async (
  device: string,
  namespace: string,
  name: string,
): Promise<string | undefined> =>
  (await entry(device, namespace, name))?.score.PodmanV0.services[0]?.image;

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  await installCrd(await kubeConfigFor("admin"), pino({ level: "silent" }), 60_000);
});

afterEach(async () => {
  for (const op of running.splice(0)) await op.stop("SIGKILL");
});

afterAll(async () => {
  await cluster.cleanup();
  await kv.cleanup(cluster.namespaces);
  await kv.close();
});

describe("operator - restarts", () => {
  it("restarts - changes made while the operator is down converge when it returns; nothing lost or rewritten", async () => {
    const ns = await cluster.namespace("restart-op");
    const lease = `it-restart-${runId}`;
    const [d1, d2] = [`r1-${runId}`, `r2-${runId}`];
    const first = await operator("op-r1", lease, ns);
    await first.waitForState("leading");
    // One host port each: CRs sharing a device and a port would clash.
    await cluster.create(ns, "keep", nginxSpec([d1, d2], "1.0", 18080));
    await cluster.create(ns, "change", nginxSpec([d1], "1.0", 18081));
    await cluster.create(ns, "doomed", nginxSpec([d2], "1.0", 18082));
    await waitUntil(
      async () =>
        (await entry(d1, ns, "keep")) !== undefined &&
        (await entry(d2, ns, "keep")) !== undefined &&
        (await entry(d1, ns, "change")) !== undefined &&
        (await entry(d2, ns, "doomed")) !== undefined,
      { what: "initial desired state", timeoutMs: 20_000 },
    );
    const keepRevision = await kv.revision(
      desiredStateKey({ device: d1, namespace: ns, name: "keep" }),
    );

    await first.stop("SIGKILL");
    await cluster.patchSpec(ns, "change", nginxSpec([d1], "1.1", 18081));
    await cluster.create(ns, "born", nginxSpec([d2], "1.0", 18083));
    await cluster.delete(ns, "doomed"); // held by the finalizer until the operator is back

    const second = await operator("op-r2", lease, ns);
    await waitUntil(
      async () =>
        (await imageOf(d1, ns, "change")) === "localhost/fleet-nginx:1.1" &&
        (await entry(d2, ns, "born")) !== undefined &&
        (await entry(d2, ns, "doomed")) === undefined &&
        (await cluster.get(ns, "doomed")) === undefined,
      { what: "convergence after operator restart", timeoutMs: 30_000 },
    );
    expect(
      await kv.keys(deploymentDesiredStateFilter({ namespace: ns, name: "keep" })),
    ).toHaveLength(2);
    // Unchanged bytes are not written again.
    expect(await kv.revision(desiredStateKey({ device: d1, namespace: ns, name: "keep" }))).toBe(
      keepRevision,
    );
    expect(second.exited()).toBe(false);
  });

  it("restarts - nats-server and kube-apiserver restarts: the operator converges afterwards", async () => {
    const ns = await cluster.namespace("restart-srv");
    const device = `srv-${runId}`;
    // Default lease times (15s / 2s): a leader must ride out an API server restart of a
    // few seconds; with a 3s lease it would (correctly) give up leadership and exit.
    const op = await operator("op-srv", `it-srv-${runId}`, ns, []);
    await op.waitForState("leading");
    await cluster.create(ns, "web", nginxSpec([device]));
    await waitUntil(async () => (await entry(device, ns, "web")) !== undefined, {
      what: "entry",
      timeoutMs: 20_000,
    });

    const report = async (phase: "Running" | "Failed"): Promise<void> => {
      const status: AgentStatusInput = {
        deviceId: device,
        agentVersion: "simulated",
        lastHeartbeatAt: new Date().toISOString(),
        deployments: { [desiredStateKey({ device, namespace: ns, name: "web" })]: { phase } },
      };
      await kv.report(status);
    };
    const aggregateShows = (phase: "Running" | "Failed") => async () => {
      const a = (await cluster.get(ns, "web"))?.status?.aggregate;
      return phase === "Running" ? a?.succeeded === 1 : a?.failed === 1;
    };

    await restartServer("nats-server");
    // A spec change and a device report made after NATS is back are both applied.
    await cluster.patchSpec(ns, "web", nginxSpec([device], "1.1"));
    await waitUntil(
      async () => (await imageOf(device, ns, "web")) === "localhost/fleet-nginx:1.1",
      {
        what: "spec change after NATS restart",
        timeoutMs: 30_000,
      },
    );
    await waitUntil(
      async () => {
        await report("Running");
        return aggregateShows("Running")();
      },
      { what: "status after NATS restart", timeoutMs: 30_000, intervalMs: 500 },
    );

    await restartServer("kube-apiserver");
    await cluster.patchSpec(ns, "web", nginxSpec([device], "1.0"));
    await waitUntil(
      async () => (await imageOf(device, ns, "web")) === "localhost/fleet-nginx:1.0",
      {
        what: "spec change after API server restart",
        timeoutMs: 30_000,
      },
    );
    await report("Failed");
    await waitUntil(aggregateShows("Failed"), {
      what: "status after API server restart",
      timeoutMs: 30_000,
    });
    expect(
      await kv.keys(deploymentDesiredStateFilter({ namespace: ns, name: "web" })),
    ).toHaveLength(1);
    expect(op.exited()).toBe(false);
  });
});

describe("operator - leader election", () => {
  it("leader election - only the leader writes; after SIGKILL the standby takes over", async () => {
    const ns = await cluster.namespace("leader");
    const lease = `it-leader-${runId}`;
    const device = `ld-${runId}`;
    // 6s / 1s: short enough to measure a takeover, long enough that a leader on a
    // busy 2-core machine does not lose its lease to a slow API response.
    const times = ["--lease-duration", "6s", "--lease-renew-period", "1s"];
    const a = await operator("op-a", lease, ns, times);
    await a.waitForState("leading");
    const b = await operator("op-b", lease, ns, times);
    await b.waitForState("standby");

    await cluster.create(ns, "web", nginxSpec([device]));
    await waitUntil(async () => (await entry(device, ns, "web")) !== undefined, {
      what: "entry",
      timeoutMs: 20_000,
    });
    await waitUntil(async () => (await cluster.get(ns, "web"))?.status?.aggregate !== undefined, {
      what: "status",
      timeoutMs: 20_000,
    });
    expect(await a.metric("iot_operator_kv_writes_total", 'op="put"')).toBeGreaterThan(0);
    expect(await b.metric("iot_operator_kv_writes_total", 'op="put"')).toBe(0);
    expect(await b.metric("iot_operator_status_patches_total", 'result="ok"')).toBe(0);
    expect(await b.metric("iot_operator_is_leader")).toBe(0);
    expect(b.logsWith("reconcile")).toHaveLength(0);

    const killedAt = performance.now();
    await a.stop("SIGKILL");
    await b.waitForState("leading", 30_000);
    console.log(
      `[measure] leader SIGKILL -> standby leading: ${Math.round(performance.now() - killedAt)} ms (lease 6s)`,
    );
    await cluster.patchSpec(ns, "web", nginxSpec([device], "1.1"));
    await waitUntil(
      async () => (await imageOf(device, ns, "web")) === "localhost/fleet-nginx:1.1",
      {
        what: "the new leader writes",
        timeoutMs: 20_000,
      },
    );
    expect(await b.metric("iot_operator_kv_writes_total", 'op="put"')).toBeGreaterThan(0);
  });
});
