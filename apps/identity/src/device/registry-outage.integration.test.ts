// The Device registry (the API server) goes away: a device the identity
// service has already seen keeps connecting from its cached policy, a device it
// has never seen is refused; once the API server is back, the new device
// connects too.
import { randomBytes } from "node:crypto";
import { deviceManifest } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import {
  kubeConfigFor,
  platformConnection,
  platformZitadel,
  startServer,
  stopServer,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { provisionTestDevice, type TestDevice } from "@fleet/provisioning/testing";
import type { ZitadelKey } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessToken, connectAsDevice } from "../testing/devices.js";
import { startPlatformIdentity, type PlatformIdentity } from "../testing/index.js";

const suffix = randomBytes(3).toString("hex");
let connection: PlatformConnection;
let identity: PlatformIdentity;
let devices: DeviceClient;
let cached: TestDevice;
/** A machine user at the IdP whose Device is registered only after the outage. */
let unseen: { deviceId: string; key: ZitadelKey };
const cleanups: (() => Promise<void>)[] = [];

async function connects(deviceId: string, key: ZitadelKey): Promise<void> {
  const token = await accessToken(cached.credentials, key);
  const nc = await connectAsDevice(connection, deviceId, token.value);
  await nc.close();
}

beforeAll(async () => {
  connection = await platformConnection();
  const kubeConfig = await kubeConfigFor("admin");
  await installDeviceCrd(kubeConfig);
  devices = DeviceClient.forKubeConfig(kubeConfig);
  identity = await startPlatformIdentity({ connection });
  cached = await provisionTestDevice(`id-cached-${suffix}`);
  cleanups.push(() => cached.cleanup());
  const idp = (await platformZitadel()).management;
  const deviceId = `id-unseen-${suffix}`;
  const { userId } = await idp.addMachineUser({ userName: deviceId, name: deviceId });
  cleanups.push(() => idp.removeUser(userId));
  const { key } = await idp.addMachineKey(userId);
  unseen = { deviceId, key };
  // Seen once, so its policy is in the service's cache.
  await connects(cached.deviceId, cached.credentials);
});

afterAll(async () => {
  await startServer("kube-apiserver");
  await identity.stop();
  await devices.deleteIfPresent(unseen.deviceId);
  for (const cleanup of cleanups) await cleanup();
});

describe("device credentials - the registry is away", () => {
  it("a cached device still connects and an unseen one is refused; back, the new one connects", async () => {
    await stopServer("kube-apiserver");
    try {
      await connects(cached.deviceId, cached.credentials);
      await expect(connects(unseen.deviceId, unseen.key)).rejects.toThrow(/authoriz/i);
    } finally {
      await startServer("kube-apiserver");
    }
    await devices.create(
      deviceManifest({
        name: unseen.deviceId,
        spec: { identity: { userId: unseen.key.userId, keyId: unseen.key.keyId } },
      }),
    );
    await connects(unseen.deviceId, unseen.key);
  });
});
