// The chart's RBAC is enough for the real identity service and no more: the
// service runs with a token of the chart's ServiceAccount, watches the Device
// registry, admits a device that was registered a moment ago and closes it
// once disabled; the same token is refused (403) everything else.
import { API_GROUP, API_VERSION, DEVICE_PLURAL, PLURAL, deviceManifest } from "@fleet/contracts";
import {
  accessToken,
  connectAsDevice,
  startPlatformIdentity,
  type PlatformIdentity,
} from "@fleet/identity/testing";
import { KubernetesPolicySource } from "@fleet/identity";
import { DeviceClient } from "@fleet/kube";
import { platformConnection } from "@fleet/local-platform/testing";
import { provisionTestDevice, type TestDevice } from "@fleet/provisioning/testing";
import { silentLogger } from "@fleet/runtime";
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from "@kubernetes/client-node";
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
import { IDENTITY_VALUES } from "./identity-values.js";
import { actAsServiceAccount, type ServiceAccountIdentity } from "./service-account.js";

const release = `idrbac-${runId}`;
const DRY_RUN = "All";

let cluster: Cluster;
let namespace: string;
let sa: ServiceAccountIdentity;
let identity: PlatformIdentity;
let device: TestDevice;

beforeAll(async () => {
  cluster = await connectCluster();
  namespace = await createNamespace(cluster, "chart-identity-rbac");
  await clusterHelmOk(
    cluster,
    ["install", release, CHART_DIR, "--namespace", namespace],
    IDENTITY_VALUES,
  );
  const deployment = await cluster.kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ name: `${release}-fleet-identity`, namespace });
  const serviceAccount = deployment.spec?.template.spec?.serviceAccountName ?? "";
  sa = await actAsServiceAccount(cluster.kc, namespace, serviceAccount);
  identity = await startPlatformIdentity({
    policies: new KubernetesPolicySource({ kubeConfig: sa.kc, log: silentLogger() }),
  });
});

afterAll(async () => {
  await identity.stop();
  await device.cleanup();
  await clusterHelmOk(cluster, ["uninstall", release, "--namespace", namespace]);
});

describe("chart - identity service RBAC", () => {
  it("rbac - with the chart's ServiceAccount a new device connects, and is closed once disabled", async () => {
    device = await provisionTestDevice(`rbac-id-${runId}`);
    const connection = await platformConnection();
    const token = await accessToken(device.credentials, device.credentials);
    const nc = await connectAsDevice(connection, device.deviceId, token.value);
    const closed = nc.closed();
    await DeviceClient.forKubeConfig(cluster.kc).patchSpec(device.deviceId, { disabled: true });
    await closed;
    await expect(connectAsDevice(connection, device.deviceId, token.value)).rejects.toThrow(
      /authoriz/i,
    );
  });

  it("rbac - the same token may list and watch Devices but is refused everything else", async () => {
    const objects = sa.kc.makeApiClient(CustomObjectsApi);
    const devices = { group: API_GROUP, version: API_VERSION, plural: DEVICE_PLURAL };
    expect(await statusOf(objects.listClusterCustomObject(devices))).toBe(200);
    const review = sa.kc.makeApiClient(AuthorizationV1Api);
    for (const verb of ["list", "watch"]) {
      const answer = await review.createSelfSubjectAccessReview({
        body: {
          spec: { resourceAttributes: { group: API_GROUP, resource: DEVICE_PLURAL, verb } },
        },
      });
      expect(answer.status?.allowed, verb).toBe(true);
    }
    const core = sa.kc.makeApiClient(CoreV1Api);
    const intruder = deviceManifest({ name: `intruder-${runId}` });
    const refused: Record<string, () => Promise<unknown>> = {
      "get a Device (a miss is read through by a list)": () =>
        objects.getClusterCustomObject({ ...devices, name: device.deviceId }),
      "create a Device": () =>
        objects.createClusterCustomObject({ ...devices, body: intruder, dryRun: DRY_RUN }),
      "patch a Device": () =>
        objects.patchClusterCustomObject({
          ...devices,
          name: device.deviceId,
          body: { spec: { disabled: false } },
          dryRun: DRY_RUN,
        }),
      "delete a Device": () =>
        objects.deleteClusterCustomObject({ ...devices, name: device.deviceId, dryRun: DRY_RUN }),
      "list Deployment CRs": () =>
        objects.listClusterCustomObject({ group: API_GROUP, version: API_VERSION, plural: PLURAL }),
      "list secrets in the release namespace": () => core.listNamespacedSecret({ namespace }),
      "list secrets cluster-wide": () => core.listSecretForAllNamespaces(),
    };
    const statuses: Record<string, number> = {};
    for (const [what, request] of Object.entries(refused))
      statuses[what] = await statusOf(request());
    expect(statuses).toStrictEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, 403])));
  });
});
