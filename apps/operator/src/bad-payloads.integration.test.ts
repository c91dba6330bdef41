// A CR the operator cannot handle gets a Degraded condition with a clear
// message; the operator keeps running and other CRs are not disturbed.
import { buildDeploymentCrd, desiredStateKey, type Condition } from "@fleet/contracts";
import { kubeConfigFor, waitUntil } from "@fleet/local-platform/testing";
import { KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELD_MANAGER, installCrd } from "./install.js";
import { Cluster, Kv, nginxSpec, runId } from "./testing/fixtures.js";
import { startOperator, type OperatorProcess } from "./testing/operator-process.js";

const log = pino({ level: "silent" });
let cluster: Cluster;
let kv: Kv;
let operator: OperatorProcess;
let ns: string;

const degradedOf = async (name: string): Promise<Condition | undefined> =>
  (await cluster.get(ns, name))?.status?.conditions.find((c) => c.type === "Degraded");

/** A "future" CRD version that also admits a score kind this operator does not know. */
async function applyFutureCrd(): Promise<void> {
  const crd = buildDeploymentCrd();
  const score = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec?.properties?.score;
  if (score?.properties === undefined) throw new Error("CRD has no score schema");
  score.properties.DockerV9 = { type: "object", x_kubernetes_preserve_unknown_fields: true };
  const kc = await kubeConfigFor("admin");
  await KubernetesObjectApi.makeApiClient(kc).patch(
    crd,
    undefined,
    undefined,
    FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
}

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  await installCrd(await kubeConfigFor("admin"), log, 60_000);
  // Before the operator starts: a CRD change closes watches, and objects read through the
  // old schema in the meantime arrive pruned (the unknown kind silently dropped).
  await applyFutureCrd();
  ns = await cluster.namespace("bad");
  operator = await startOperator(`op-bad-${runId}`, [
    "--lease-name",
    `it-bad-${runId}`,
    "--namespace",
    ns,
  ]);
  await operator.waitForState("leading");
});

afterAll(async () => {
  await operator.stop();
  // Put the real CRD back, whatever happened above.
  await installCrd(await kubeConfigFor("admin"), log, 60_000);
  await cluster.cleanup();
  await kv.cleanup(cluster.namespaces);
  await kv.close();
});

describe("operator - bad payloads", () => {
  it("bad payloads - a spec only the operator rejects is Degraded naming the field; a good CR beside it is served", async () => {
    const device = `bad-1-${runId}`;
    const services = [
      {
        name: "a",
        image: "localhost/fleet-nginx:1.0",
        ports: [{ hostPort: 18081, containerPort: 80 }],
      },
      {
        name: "b",
        image: "localhost/fleet-nginx:1.0",
        ports: [{ hostPort: 18081, containerPort: 80 }],
      },
    ];
    // The API server accepts this (OpenAPI cannot express "host ports unique across services").
    await cluster.createRaw(ns, "clash", {
      targetDevices: [device],
      score: { PodmanV0: { services } },
    });
    await cluster.create(ns, "fine", nginxSpec([device]));

    await waitUntil(async () => (await degradedOf("clash"))?.status === "True", {
      what: "Degraded on the clashing CR",
      timeoutMs: 20_000,
    });
    const degraded = await degradedOf("clash");
    expect(degraded?.reason).toBe("InvalidSpec");
    expect(degraded?.message).toContain("spec.score.PodmanV0.services[1].ports[0].hostPort");
    expect(degraded?.message).toContain('host port 18081/TCP is already used by service "a"');
    expect(
      await kv.value(desiredStateKey({ device, namespace: ns, name: "clash" })),
    ).toBeUndefined();

    await waitUntil(
      async () =>
        (await kv.value(desiredStateKey({ device, namespace: ns, name: "fine" }))) !== undefined,
      {
        what: "the good CR's entry",
        timeoutMs: 20_000,
      },
    );
    expect((await degradedOf("fine"))?.reason).not.toBe("InvalidSpec");
    expect(operator.exited()).toBe(false);
  });

  it("bad payloads - an unknown score kind from a newer CRD is Degraded, and deleting it still works", async () => {
    const device = `bad-2-${runId}`;
    // The API server may need a moment to serve the new schema: retry the create until it is accepted.
    await waitUntil(
      async () => {
        await cluster.createRaw(ns, "future", {
          targetDevices: [device],
          score: { DockerV9: { image: "x" } },
        });
        return true;
      },
      { what: "CR with a future score kind accepted", timeoutMs: 20_000 },
    );
    await waitUntil(async () => (await degradedOf("future"))?.status === "True", {
      what: "Degraded on the future CR",
      timeoutMs: 20_000,
    });
    expect(await degradedOf("future")).toMatchObject({
      reason: "UnsupportedScoreKind",
      message: expect.stringContaining('unknown score kind "DockerV9"') as string,
    });

    await cluster.delete(ns, "future");
    await waitUntil(async () => (await cluster.get(ns, "future")) === undefined, {
      what: "future CR deleted",
      timeoutMs: 20_000,
    });
    expect(operator.exited()).toBe(false);
    expect((await operator.readiness())?.state).toBe("leading");
  });
});
