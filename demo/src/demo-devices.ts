// The demo's devices, provisioned through the same path as `iot-operator
// device add` (@fleet/provisioning: an IdP machine user with a key, and a
// Device CR naming it), each with its credential file (mode 0600) in its own
// folder (0700) under <platform>/demo/<device>/.
//
// Re-running the demo on the same platform keeps its devices:
// - a device whose credential file holds the key its Device names, for this
//   platform's issuer, project and NATS, is reused as it is (nothing changes at
//   the IdP);
// - a device without such a file (deleted, from other ports, an older key) gets
//   a new key (rotate-key), which the file then holds; the old key is removed;
// - a device disabled in an earlier run is enabled again, since the demo is
//   about to run its agent.
import { chmod, mkdir, readFile } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { parseDeviceCredentials, type DeviceCredentials } from "@fleet/contracts";
import type { KubeConfig } from "@kubernetes/client-node";
import { DeviceClient } from "@fleet/kube";
import type { Layout, PlatformConnection } from "@fleet/local-platform";
import {
  assembleCredentials,
  credentialsContext,
  deviceRegistry,
  provisioningWith,
  writeCredentialsFile,
  type DeviceRegistry,
  type Provisioning,
  type ProvisioningSettings,
} from "@fleet/provisioning";
import { platformProvisioningSettings } from "@fleet/provisioning/testing";

/** What provisioning did for a demo device. */
export type DemoDeviceOutcome = "added" | "reused" | "rotated";

/** Where the demo keeps a device's state: its agent's data dir, which also holds its credential file. */
export function demoDeviceDir(layout: Layout, device: string): string {
  return join(layout.root, "demo", device);
}

export function demoCredentialsFile(layout: Layout, device: string): string {
  return join(demoDeviceDir(layout, device), "credentials.json");
}

/** The credential file's content, or undefined when it is missing or not a valid credential file. */
async function credentialsOnFile(file: string): Promise<DeviceCredentials | undefined> {
  try {
    return parseDeviceCredentials(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

export interface DemoDeviceProvisioning {
  provisioning: Provisioning;
  /** The same Device CRs, parsed with the contracts. */
  devices: DeviceRegistry;
  settings: ProvisioningSettings;
}

/** Provisioning on the demo's platform: its IdP's admin key, the Device CRs as the kube admin. */
export async function demoProvisioning(
  connection: PlatformConnection,
  kc: KubeConfig,
): Promise<DemoDeviceProvisioning> {
  const settings = await platformProvisioningSettings(connection);
  const client = DeviceClient.forKubeConfig(kc);
  return {
    provisioning: provisioningWith(settings, client),
    devices: deviceRegistry(client),
    settings,
  };
}

/** Adds `device`, or makes an existing one usable again (see the top of this file). */
export async function provisionDemoDevice(
  { provisioning, devices, settings }: DemoDeviceProvisioning,
  device: string,
  file: string,
): Promise<DemoDeviceOutcome> {
  const folder = join(file, "..");
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700); // An older run may have made it with the umask's mode.
  const deliver = (credentials: DeviceCredentials): Promise<void> =>
    writeCredentialsFile(file, credentials, { overwrite: true });
  const existing = await devices.find(device);
  if (existing === undefined) {
    await provisioning.addDevice({ id: device }, { deliver });
    return "added";
  }
  if (existing.spec.disabled) await provisioning.enableDevice(device);
  const identity = existing.spec.identity;
  if (identity === undefined) {
    // Not one of ours (no IdP identity to rotate): replace it.
    await provisioning.removeDevice(device);
    await provisioning.addDevice({ id: device }, { deliver });
    return "added";
  }
  const onFile = await credentialsOnFile(file);
  const current =
    onFile !== undefined &&
    onFile.keyId === identity.keyId &&
    onFile.userId === identity.userId &&
    isDeepStrictEqual(onFile, assembleCredentials(device, onFile, credentialsContext(settings)));
  if (current) return "reused";
  await provisioning.rotateDeviceKey(device, { deliver });
  return "rotated";
}
