import { deploymentManifest, type DeploymentSpecInput } from "@fleet/contracts";
import { kubeConfigFor, waitUntil } from "@fleet/local-platform/testing";
import {
  CoreV1Api,
  createConfiguration,
  ServerConfiguration,
  type KubeConfig,
} from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { httpStatusOf, isConflict, isNotFound, isUnprocessable } from "./api-errors.js";
import { DeploymentClient } from "./deployment-client.js";
import { installDeploymentCrd } from "./testing/index.js";

const runId = Date.now().toString(36);
const spec = (tag: string): DeploymentSpecInput => ({
  targetDevices: ["pi-1"],
  score: { PodmanV0: { services: [{ name: "web", image: `localhost/fleet-nginx:${tag}` }] } },
});
const imageOf = (object: { spec?: unknown } | undefined): string | undefined =>
  (object?.spec as { score: { PodmanV0: { services: { image: string }[] } } } | undefined)?.score
    .PodmanV0.services[0]?.image;

async function rejected(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => {
      throw new Error("the API server accepted it");
    },
    (error: unknown) => error,
  );
}

describe("DeploymentClient - against the real API server", () => {
  let kc: KubeConfig;
  let client: DeploymentClient;
  const namespace = `kube-client-${runId}`;

  beforeAll(async () => {
    kc = await kubeConfigFor("admin");
    await installDeploymentCrd(kc);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    client = DeploymentClient.forKubeConfig(kc);
    // Right after a CRD change the API answers 429 "storage is (re)initializing" for a moment.
    await waitUntil(
      async () => (await client.list(namespace).catch(() => undefined)) !== undefined,
      {
        what: "Deployments listable",
        timeoutMs: 30_000,
      },
    );
  });

  it("create, get, list, replace, patches and delete - one object through its life", async () => {
    const created = await client.create(
      deploymentManifest({ namespace, name: "web", spec: spec("1.0") }),
    );
    expect(created.metadata?.generation).toBe(1);
    expect(imageOf(await client.get(namespace, "web"))).toBe("localhost/fleet-nginx:1.0");
    const listed = await client.list(namespace);
    expect(listed.items.map((d) => d.metadata?.name)).toEqual(["web"]);
    expect(listed.resourceVersion).not.toBe("");
    expect((await client.list(namespace, { fieldSelector: "metadata.name=other" })).items).toEqual(
      [],
    );

    const labelled = await client.mergePatch(namespace, "web", {
      metadata: { labels: { a: "b" } },
    });
    expect(labelled.metadata?.labels).toEqual({ a: "b" });

    // A JSON patch guarded by a stale resourceVersion changes nothing (422).
    const stale = created.metadata?.resourceVersion;
    const guarded = await rejected(
      client.jsonPatch(namespace, "web", [
        { op: "test", path: "/metadata/resourceVersion", value: stale },
        { op: "add", path: "/metadata/finalizers", value: ["x.example/held"] },
      ]),
    );
    expect(isUnprocessable(guarded)).toBe(true);
    expect((await client.get(namespace, "web")).metadata?.finalizers).toBeUndefined();

    // Replacing what was read before someone else's write is refused (409), never lost.
    const replaced = await rejected(
      client.replace({
        ...deploymentManifest({ namespace, name: "web", spec: spec("1.1") }),
        metadata: { namespace, name: "web", resourceVersion: stale },
      }),
    );
    expect(isConflict(replaced)).toBe(true);

    const applied = await client.apply(
      deploymentManifest({ namespace, name: "web", spec: spec("1.1") }),
      "kube-it",
    );
    expect(applied.metadata?.generation).toBe(2);
    expect(imageOf(applied)).toBe("localhost/fleet-nginx:1.1");

    await client.patchStatus(namespace, "web", { observedGeneration: 2 });
    expect((await client.get(namespace, "web")).status).toMatchObject({ observedGeneration: 2 });

    await client.delete(namespace, "web");
    expect(await client.find(namespace, "web")).toBeUndefined();
    expect(isNotFound(await rejected(client.get(namespace, "web")))).toBe(true);
    expect(await client.deleteIfPresent(namespace, "web")).toBe(false);
  });

  it("forConfiguration - acts with exactly that Configuration's credentials", async () => {
    // The dashboard's own identity holds no rights: refused, although the admin may list.
    const dashboard = await kubeConfigFor("dashboard");
    const server = dashboard.getCurrentCluster()?.server ?? "";
    const asDashboard = DeploymentClient.forConfiguration(
      createConfiguration({
        baseServer: new ServerConfiguration(server, {}),
        authMethods: { default: dashboard },
      }),
    );
    expect(httpStatusOf(await rejected(asDashboard.list(namespace)))).toBe(403);
    expect(httpStatusOf(await rejected(asDashboard.find(namespace, "web")))).toBe(403);
    expect((await client.list(namespace)).items).toBeDefined();
  });
});
