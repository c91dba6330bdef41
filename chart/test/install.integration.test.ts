// helm install, upgrade and uninstall against the real API server. Nothing runs
// the pods (no kubelet, no controller-manager): the test checks what is stored.
import { CRD_NAME } from "@fleet/contracts";
import {
  ApiextensionsV1Api,
  AppsV1Api,
  type KubernetesObject,
  type V1Deployment,
} from "@kubernetes/client-node";
import { waitUntil } from "@fleet/local-platform/testing";
import { describe, expect, it } from "vitest";
import {
  clusterHelmOk,
  connectCluster,
  createNamespace,
  readBack,
  releaseObjects,
  runId,
} from "./cluster.js";
import { CHART_DIR } from "./helm.js";

const describeObject = (o: KubernetesObject): string =>
  `${o.kind ?? "?"}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function envOf(deployment: V1Deployment, name: string): string | undefined {
  return deployment.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === name)?.value;
}

const DASHBOARD = {
  enabled: true,
  natsWebsocketUrl: "wss://nats.example.com",
  liveAuth: { existingSecret: "fleet-live-auth" },
  ingress: { enabled: true },
  oidc: {
    issuerUrl: "https://id.example.com",
    clientId: "fleet",
    clientSecret: { existingSecret: "fleet-oidc" },
  },
  sessionSecret: { existingSecret: "fleet-session" },
};

const isDashboard = (o: KubernetesObject): boolean =>
  o.metadata?.labels?.["app.kubernetes.io/component"] === "dashboard";

describe("chart - helm lifecycle", () => {
  it("lifecycle - install, upgrade with changed values, uninstall removes every object", async () => {
    const cluster = await connectCluster();
    const apps = cluster.kc.makeApiClient(AppsV1Api);
    const namespace = await createNamespace(cluster, "chart-life");
    const release = `life-${runId}`;
    const operatorName = `${release}-fleet-operator`;
    const timings: Record<string, number> = {};
    const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      timings[step] = Math.round(performance.now() - started);
      return result;
    };

    // install. The platform's CRDs may have been applied before by other
    // managers (iot-operator install, the contracts' tests), from an older
    // build on a platform kept between runs: the chart's crds/ win, as
    // docs/helm.md tells users who ran `iot-operator install` first.
    await timed("install", () =>
      clusterHelmOk(cluster, [
        "install",
        release,
        CHART_DIR,
        "--namespace",
        namespace,
        "--force-conflicts",
      ]),
    );
    const installed = await releaseObjects(cluster, release, namespace);
    // The operator's roles: its CRs (namespaced or cluster-wide) and, always
    // cluster-wide, the Devices it watches and whose status it writes.
    expect(installed.map((o) => o.kind).sort()).toEqual([
      "ClusterRole",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "Deployment",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
    for (const o of installed) expect(await readBack(cluster, o), describeObject(o)).toBeDefined();
    const first = await apps.readNamespacedDeployment({ name: operatorName, namespace });
    expect(first.spec?.replicas).toBe(1);
    expect(envOf(first, "LOG_LEVEL")).toBe("info");
    // The CRD came from crds/ (or was there already) and is served.
    const crd = await cluster.kc
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: CRD_NAME });
    expect(crd.status?.conditions?.find((c) => c.type === "Established")?.status).toBe("True");

    // upgrade: replicas, log level, and the dashboard switched on
    await timed("upgrade", () =>
      clusterHelmOk(cluster, ["upgrade", release, CHART_DIR, "--namespace", namespace], {
        operator: { replicas: 2, logLevel: "debug" },
        dashboard: DASHBOARD,
      }),
    );
    const upgraded = await apps.readNamespacedDeployment({ name: operatorName, namespace });
    expect(upgraded.spec?.replicas).toBe(2);
    expect(envOf(upgraded, "LOG_LEVEL")).toBe("debug");
    expect(upgraded.metadata?.generation).toBeGreaterThan(first.metadata?.generation ?? 0);
    const withDashboard = await releaseObjects(cluster, release, namespace);
    const added = withDashboard.filter(isDashboard);
    // The viewer and deployer roles and their group bindings; no impersonator.
    expect(added.map((o) => o.kind).sort()).toEqual([
      "ClusterRole",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "Deployment",
      "Ingress",
      "Service",
      "ServiceAccount",
    ]);
    for (const o of withDashboard) {
      expect(await readBack(cluster, o), describeObject(o)).toBeDefined();
    }

    // upgrade again without the dashboard: Helm removes what the new render lacks,
    // its cluster-scoped RBAC included
    await clusterHelmOk(
      cluster,
      ["upgrade", release, CHART_DIR, "--namespace", namespace, "--reuse-values"],
      { dashboard: { enabled: false } },
    );
    for (const o of added) expect(await readBack(cluster, o), describeObject(o)).toBeUndefined();
    const kept = await apps.readNamespacedDeployment({ name: operatorName, namespace });
    expect(kept.spec?.replicas).toBe(2);

    // uninstall: every object of the release is gone; the CRD stays (Helm never deletes crds/)
    const beforeUninstall = await releaseObjects(cluster, release, namespace);
    await timed("uninstall", () =>
      clusterHelmOk(cluster, ["uninstall", release, "--namespace", namespace]),
    );
    for (const o of beforeUninstall) {
      await waitUntil(async () => (await readBack(cluster, o)) === undefined, {
        what: `${describeObject(o)} deleted`,
        timeoutMs: 10_000,
      });
    }
    expect(
      await readBack(cluster, {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: CRD_NAME },
      }),
    ).toBeDefined();
    console.log(`helm timings (ms): ${JSON.stringify(timings)}`);
  });
});
