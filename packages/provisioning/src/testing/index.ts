// For tests, the demo and benchmarks: devices provisioned on the local
// platform through the same path as `iot-operator device add` (the local IdP's
// management API with the platform's admin key, the Device CR as the kube
// admin), each with its credential file in a private temporary folder.
import { randomBytes } from "node:crypto";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeviceCredentials } from "@fleet/contracts";
import {
  deviceScopes,
  fetchTrusting,
  isZitadelTokenError,
  JwtProfileTokenSource,
} from "@fleet/zitadel";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import {
  kubeConfigFor,
  platformConnection,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { provisioningWith, type ProvisioningSettings } from "../connect.js";
import { writeCredentialsFile } from "../credentials-file.js";
import { isProvisioningError } from "../errors.js";
import { readPrivateKeyFile } from "../key-file.js";
import type { Provisioning } from "../provisioning.js";

type KubeUser = Parameters<typeof kubeConfigFor>[0];

/** Provisioning settings of a running local platform: its IdP, admin key, project and NATS. */
export async function platformProvisioningSettings(
  connection?: PlatformConnection,
): Promise<ProvisioningSettings> {
  const { oidc, natsUrls } = connection ?? (await platformConnection());
  return {
    issuer: oidc.issuer,
    issuerCa: await readFile(oidc.caFile, "utf8"),
    adminKey: readPrivateKeyFile(oidc.adminKeyFile),
    projectId: oidc.projectId,
    // Every node of the platform's NATS, as a device's credential file lists them.
    natsServers: natsUrls,
  };
}

/** Provisioning on the local platform, the Device CRs written as `user` (default: the kube admin). */
export async function platformProvisioning(user: KubeUser = "admin"): Promise<Provisioning> {
  return provisioningWith(
    await platformProvisioningSettings(),
    DeviceClient.forKubeConfig(await kubeConfigFor(user)),
  );
}

export interface TestDevice {
  deviceId: string;
  credentials: DeviceCredentials;
  /** The credential file (mode 0600) in a temporary folder of its own. */
  credentialsFile: string;
  /** Removes the device (IdP user and Device CR; fine if already gone) and its folder. */
  cleanup(): Promise<void>;
}

/** Adds a device (a random id unless given) with its credential file; installs the Device CRD if needed. */
export async function provisionTestDevice(
  deviceId = `test-device-${randomBytes(4).toString("hex")}`,
  options: { labels?: Record<string, string> } = {},
): Promise<TestDevice> {
  await installDeviceCrd(await kubeConfigFor("admin"));
  const provisioning = await platformProvisioning();
  const folder = await mkdtemp(join(tmpdir(), `fleet-${deviceId}-`));
  const credentialsFile = join(folder, "credentials.json");
  try {
    const credentials = await provisioning.addDevice(
      { id: deviceId, ...(options.labels === undefined ? {} : { labels: options.labels }) },
      { deliver: (c) => writeCredentialsFile(credentialsFile, c) },
    );
    return {
      deviceId,
      credentials,
      credentialsFile,
      async cleanup() {
        await provisioning.removeDevice(deviceId).catch((error: unknown) => {
          if (!isProvisioningError(error, "not-found")) throw error;
        });
        await rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** An access token for the device's key, asked for the way its agent asks. */
export async function deviceAccessToken(credentials: DeviceCredentials): Promise<string> {
  const source = new JwtProfileTokenSource({
    key: credentials,
    issuer: credentials.issuer,
    scopes: deviceScopes(credentials.projectId),
    fetch: fetchTrusting(credentials.issuerCa),
  });
  return (await source.token()).value;
}

/** Whether the IdP refuses the device's token exchange (disabled, removed, an old key); other failures throw. */
export async function tokenRefused(credentials: DeviceCredentials): Promise<boolean> {
  return deviceAccessToken(credentials).then(
    () => false,
    (error: unknown) => {
      if (isZitadelTokenError(error)) return true;
      throw error;
    },
  );
}
