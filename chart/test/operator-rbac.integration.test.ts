// The chart's RBAC is enough for the real operator and no more: the operator
// runs with a token of the chart's ServiceAccount and the chart's environment,
// reconciles a CR end to end (KV desired state, finalizer, status), and the
// same token is refused (403) for what the operator must not do.
import {
  API_GROUP,
  API_VERSION,
  BUCKET_DESIRED_STATE,
  buildDeploymentCrd,
  decodeDesiredState,
  deploymentManifest,
  desiredStateKey,
  DEVICE_PLURAL,
  deviceManifest,
  ENROLLMENT_TOKEN_PLURAL,
  FINALIZER,
  PLURAL,
  type DeploymentSpecInput,
} from "@fleet/contracts";
import { DeploymentClient } from "@fleet/kube";
import { connectAsAdmin, platformConnection, waitUntil } from "@fleet/local-platform/testing";
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from "@kubernetes/client-node";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clusterHelmOk,
  connectCluster,
  createNamespace,
  runId,
  statusOf,
  type Cluster,
} from "./cluster.js";
import { CHART_DIR } from "./helm.js";
import { startHostOperator, type HostOperator } from "./operator-host.js";
import { actAsServiceAccount, mayDo, type ServiceAccountIdentity } from "./service-account.js";

const release = `rbac-${runId}`;
const operatorName = `${release}-fleet-operator`;
const podName = `${operatorName}-7d9f8-host`;
const DRY_RUN = "All";

let cluster: Cluster;
let namespace: string;
let appsNamespace: string;
let sa: ServiceAccountIdentity;
let operator: HostOperator;
let nc: NatsConnection;
let desired: KV;

const nginxSpec = (device: string): DeploymentSpecInput => ({
  targetDevices: [device],
  score: {
    PodmanV0: {
      services: [
        {
          name: "web",
          image: "localhost/fleet-nginx:1.0",
          ports: [{ hostPort: 18080, containerPort: 80 }],
        },
      ],
    },
  },
});

interface StoredCr {
  metadata: { generation: number; finalizers?: string[] };
  status?: { observedGeneration?: number };
}

beforeAll(async () => {
  cluster = await connectCluster();
  namespace = await createNamespace(cluster, "chart-rbac");
  appsNamespace = await createNamespace(cluster, "chart-rbac-apps");
  await clusterHelmOk(cluster, ["install", release, CHART_DIR, "--namespace", namespace], {
    operator: { heartbeatPeriod: "1s" },
  });
  const deployment = await cluster.kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ name: operatorName, namespace });
  const serviceAccount = deployment.spec?.template.spec?.serviceAccountName ?? "";
  sa = await actAsServiceAccount(cluster.kc, namespace, serviceAccount);
  const connection = await platformConnection();
  nc = await connectAsAdmin({ connection });
  operator = await startHostOperator(deployment, {
    kubeconfigFile: sa.kubeconfigFile,
    natsUrl: connection.natsUrl,
    // The chart mounts the operator's NATS credential from a Secret; on the host, the platform's.
    natsCredentialsFile: connection.natsSecrets.operatorCreds,
    podName,
  });
  const started = performance.now();
  await operator.waitForState("leading");
  console.log(`operator leading ${Math.round(performance.now() - started)} ms after start`);
  desired = await new Kvm(nc).open(BUCKET_DESIRED_STATE);
});

afterAll(async () => {
  await operator.stop();
  await nc.close();
  await clusterHelmOk(cluster, ["uninstall", release, "--namespace", namespace]);
});

describe("chart - operator RBAC", () => {
  it("rbac - the operator holds the Lease the chart names, in the release namespace", async () => {
    expect(operator.env.LEASE_NAMESPACE).toBe(namespace);
    const lease = await cluster.kc.makeApiClient(CoordinationV1Api).readNamespacedLease({
      name: operator.env.LEASE_NAME ?? "",
      namespace,
    });
    expect(lease.spec?.holderIdentity).toBe(podName);
  });

  it("rbac - with the chart's ServiceAccount a CR gets its KV entry, finalizer and status, and is deleted cleanly", async () => {
    const deployments = DeploymentClient.forKubeConfig(cluster.kc);
    const name = "web";
    const device = `rbac-dev-${runId}`;
    const spec = nginxSpec(device);
    const started = performance.now();
    await deployments.create(deploymentManifest({ namespace: appsNamespace, name, spec }));
    const key = desiredStateKey({ device, namespace: appsNamespace, name });
    await waitUntil(async () => (await desired.get(key))?.operation === "PUT", {
      what: `desired state ${key}`,
      timeoutMs: 20_000,
    });
    const kvMs = performance.now() - started;
    const entry = await desired.get(key);
    const payload = decodeDesiredState(entry?.value ?? new Uint8Array());
    expect(payload.deployment).toMatchObject({ namespace: appsNamespace, name, generation: 1 });

    const read = async (): Promise<StoredCr> =>
      (await deployments.get(appsNamespace, name)) as StoredCr;
    await waitUntil(async () => (await read()).status?.observedGeneration === 1, {
      what: "status.observedGeneration = 1 (status subresource patch)",
      timeoutMs: 20_000,
    });
    const statusMs = performance.now() - started;
    expect((await read()).metadata.finalizers).toContain(FINALIZER);

    // Deleting needs the finalizer patch: the KV entry goes first, then the CR.
    await deployments.delete(appsNamespace, name);
    await waitUntil(
      async () =>
        (await deployments.find(appsNamespace, name)) === undefined &&
        (await desired.get(key))?.operation !== "PUT",
      { what: "CR and its KV entry gone", timeoutMs: 20_000 },
    );
    console.log(
      `rbac e2e (ms): CR -> KV ${Math.round(kvMs)}, CR -> status ${Math.round(statusMs)}, ` +
        `create -> deleted ${Math.round(performance.now() - started)}`,
    );
  });

  it("rbac - the same token may list CRs cluster-wide but is refused everything else it does not need", async () => {
    const core = sa.kc.makeApiClient(CoreV1Api);
    const objects = sa.kc.makeApiClient(CustomObjectsApi);
    const crd = { group: API_GROUP, version: API_VERSION, plural: PLURAL };
    const leases = sa.kc.makeApiClient(CoordinationV1Api);
    const crds = sa.kc.makeApiClient(ApiextensionsV1Api);
    const otherCrd = buildDeploymentCrd();
    otherCrd.metadata = { name: `${PLURAL}.other-${runId}.example.com` };
    const cr = deploymentManifest({
      namespace: appsNamespace,
      name: "intruder",
      spec: nginxSpec("intruder-device"),
    });

    expect(await statusOf(objects.listClusterCustomObject(crd))).toBe(200);

    // Thunks, so each request starts (and fails) only when it is awaited.
    const refused: Record<string, () => Promise<unknown>> = {
      "list secrets in the release namespace": () => core.listNamespacedSecret({ namespace }),
      "list secrets cluster-wide": () => core.listSecretForAllNamespaces(),
      "delete a namespace": () => core.deleteNamespace({ name: appsNamespace, dryRun: DRY_RUN }),
      "create a Deployment CR": () =>
        objects.createNamespacedCustomObject({
          ...crd,
          namespace: appsNamespace,
          body: cr,
          dryRun: DRY_RUN,
        }),
      "get a Deployment CR (the operator only lists and watches)": () =>
        objects.getNamespacedCustomObject({ ...crd, namespace: appsNamespace, name: "web" }),
      "delete Deployment CRs": () =>
        objects.deleteCollectionNamespacedCustomObject({
          ...crd,
          namespace: appsNamespace,
          dryRun: DRY_RUN,
        }),
      "create a CRD": () =>
        crds.createCustomResourceDefinition({ body: otherCrd, dryRun: DRY_RUN }),
      "delete the fleet CRD": () =>
        crds.deleteCustomResourceDefinition({
          name: `${PLURAL}.${API_GROUP}`,
          dryRun: DRY_RUN,
        }),
      "list leases": () => leases.listNamespacedLease({ namespace }),
      "read another Lease": () => leases.readNamespacedLease({ name: "other-leader", namespace }),
      "create a Lease outside the release namespace": () =>
        leases.createNamespacedLease({
          namespace: appsNamespace,
          body: { metadata: { name: "x" }, spec: {} },
          dryRun: DRY_RUN,
        }),
      "list apps Deployments": () =>
        sa.kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace }),
    };
    const statuses: Record<string, number> = {};
    for (const [what, request] of Object.entries(refused))
      statuses[what] = await statusOf(request());
    expect(statuses).toStrictEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, 403])));
  });

  it("rbac - on Devices the token may list, watch and patch status, and nothing else; no EnrollmentToken at all", async () => {
    const answers: Record<string, boolean> = {};
    const asked: [string, string, string?][] = [
      [DEVICE_PLURAL, "list"],
      [DEVICE_PLURAL, "watch"],
      [DEVICE_PLURAL, "patch", "status"],
      [DEVICE_PLURAL, "get"],
      [DEVICE_PLURAL, "create"],
      [DEVICE_PLURAL, "patch"],
      [DEVICE_PLURAL, "update"],
      [DEVICE_PLURAL, "delete"],
      [ENROLLMENT_TOKEN_PLURAL, "get"],
      [ENROLLMENT_TOKEN_PLURAL, "list"],
    ];
    for (const [resource, verb, subresource] of asked)
      answers[`${verb} ${resource}${subresource === undefined ? "" : `/${subresource}`}`] =
        await mayDo(sa.kc, resource, verb, subresource);
    expect(answers).toStrictEqual({
      "list devices": true,
      "watch devices": true,
      "patch devices/status": true,
      "get devices": false,
      "create devices": false,
      "patch devices": false,
      "update devices": false,
      "delete devices": false,
      "get enrollmenttokens": false,
      "list enrollmenttokens": false,
    });
    // And the API server agrees on a real request: creating a Device is refused.
    const objects = sa.kc.makeApiClient(CustomObjectsApi);
    const devices = { group: API_GROUP, version: API_VERSION, plural: DEVICE_PLURAL };
    expect(await statusOf(objects.listClusterCustomObject(devices))).toBe(200);
    expect(
      await statusOf(
        objects.createClusterCustomObject({
          ...devices,
          body: deviceManifest({ name: `intruder-${runId}` }),
          dryRun: DRY_RUN,
        }),
      ),
    ).toBe(403);
  });
});
