// The IdP goes away: a device whose token was issued before keeps connecting,
// verified with the keys the service fetched last, even once they are due for
// a refetch; a token the keys do not cover is still refused.
import { randomBytes } from "node:crypto";
import { installDeviceCrd } from "@fleet/kube/testing";
import {
  kubeConfigFor,
  platformConnection,
  startServer,
  stopServer,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { provisionTestDevice, type TestDevice } from "@fleet/provisioning/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessToken, connectAsDevice, forgedAccessToken } from "../testing/devices.js";
import { startPlatformIdentity, type PlatformIdentity } from "../testing/index.js";

let connection: PlatformConnection;
let identity: PlatformIdentity;
let device: TestDevice;

async function connects(token: string): Promise<void> {
  const nc = await connectAsDevice(connection, device.deviceId, token);
  await nc.close();
}

beforeAll(async () => {
  connection = await platformConnection();
  await installDeviceCrd(await kubeConfigFor("admin"));
  // Keys are due for a refetch at once, so every token below asks the IdP for them.
  identity = await startPlatformIdentity({ connection, idpKeysMaxAgeMs: 1 });
  device = await provisionTestDevice(`id-idp-out-${randomBytes(3).toString("hex")}`);
});

afterAll(async () => {
  await startServer("oidc-idp");
  await identity.stop();
  await device.cleanup();
});

describe("device credentials - the IdP is away", () => {
  it("a token issued before the outage still connects; a forged one is still refused", async () => {
    const token = await accessToken(device.credentials, device.credentials);
    await connects(token.value);
    const forged = await forgedAccessToken(connection, device.credentials.userId);
    await stopServer("oidc-idp");
    try {
      await connects(token.value);
      await expect(connects(forged)).rejects.toThrow(/authoriz/i);
    } finally {
      await startServer("oidc-idp");
    }
  });
});
