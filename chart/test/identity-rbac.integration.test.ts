// The chart's RBAC is enough for the real identity service and no more: the
// service runs with a token of the chart's ServiceAccount, watches the Device
// registry, admits a device that was registered a moment ago and closes it
// once disabled; the same token may create and patch Devices (enrollment, the
// registrar), patch their status and count a token's use, and is refused
// (403) everything else.
import {
  API_GROUP,
  API_VERSION,
  DEVICE_PLURAL,
  ENROLLMENT_TOKEN_PLURAL,
  PLURAL,
  enrollmentTokenManifest,
} from "@fleet/contracts";
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
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
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
import { actAsServiceAccount, mayDo, type ServiceAccountIdentity } from "./service-account.js";

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

  it("rbac - the same token may do what enrollment and the registrar need, and is refused everything else", async () => {
    const objects = sa.kc.makeApiClient(CustomObjectsApi);
    const devices = { group: API_GROUP, version: API_VERSION, plural: DEVICE_PLURAL };
    const tokens = { group: API_GROUP, version: API_VERSION, plural: ENROLLMENT_TOKEN_PLURAL };
    expect(await statusOf(objects.listClusterCustomObject(devices))).toBe(200);
    const granted: [string, string, string?][] = [
      [DEVICE_PLURAL, "list"],
      [DEVICE_PLURAL, "watch"],
      [DEVICE_PLURAL, "create"],
      [DEVICE_PLURAL, "patch"],
      [DEVICE_PLURAL, "patch", "status"],
      [ENROLLMENT_TOKEN_PLURAL, "get"],
      [ENROLLMENT_TOKEN_PLURAL, "patch", "status"],
    ];
    for (const [resource, verb, subresource] of granted)
      expect(
        await mayDo(sa.kc, resource, verb, subresource),
        `${verb} ${resource}/${subresource ?? ""}`,
      ).toBe(true);
    const core = sa.kc.makeApiClient(CoreV1Api);
    const intruder = enrollmentTokenManifest({
      name: `intruder-${runId}`,
      spec: { secretHash: `sha256:${"0".repeat(64)}` },
    });
    const refused: Record<string, () => Promise<unknown>> = {
      "get a Device (a miss is read through by a list)": () =>
        objects.getClusterCustomObject({ ...devices, name: device.deviceId }),
      "delete a Device": () =>
        objects.deleteClusterCustomObject({ ...devices, name: device.deviceId, dryRun: DRY_RUN }),
      "list EnrollmentTokens": () => objects.listClusterCustomObject(tokens),
      "create an EnrollmentToken": () =>
        objects.createClusterCustomObject({ ...tokens, body: intruder, dryRun: DRY_RUN }),
      "change an EnrollmentToken's spec": () =>
        objects.patchClusterCustomObject({
          ...tokens,
          name: intruder.metadata.name,
          body: { spec: { maxUses: 1000 } },
          dryRun: DRY_RUN,
        }),
      "delete an EnrollmentToken": () =>
        objects.deleteClusterCustomObject({
          ...tokens,
          name: intruder.metadata.name,
          dryRun: DRY_RUN,
        }),
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
