// The roles' RBAC (rbac.ts), applied to the real API server, does what the
// roles promise for enrollment: a deployer (group fleet:deployers) creates,
// lists and revokes enrollment tokens and approves and relabels devices; a
// viewer (group fleet:viewers) may read tokens and Devices and nothing more.
// The local platform's static users alice and bob are in those groups.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { deviceManifest, deviceResourceSchema } from "@fleet/contracts";
import { DeviceClient, EnrollmentTokenClient, httpStatusOf } from "@fleet/kube";
import { installDeviceCrd, installEnrollmentTokenCrd } from "@fleet/kube/testing";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import {
  approveDevice,
  changeDeviceLabels,
  createEnrollmentToken,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from "@fleet/provisioning";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDashboardRbac } from "./apply";

const suffix = randomBytes(3).toString("hex");
const deviceId = `rbac-enroll-${suffix}`;
const tokenName = `rbac-tok-${suffix}`;

let admin: { tokens: EnrollmentTokenClient; devices: DeviceClient };
let deployer: { tokens: EnrollmentTokenClient; devices: DeviceClient };
let viewer: { tokens: EnrollmentTokenClient; devices: DeviceClient };

async function clientsOf(user: "admin" | "alice" | "bob") {
  const kc = await kubeConfigFor(user);
  return {
    tokens: EnrollmentTokenClient.forKubeConfig(kc),
    devices: DeviceClient.forKubeConfig(kc),
  };
}

async function statusOfCall(call: Promise<unknown>): Promise<number> {
  return call.then(
    () => 200,
    (error: unknown) => httpStatusOf(error) ?? -1,
  );
}

beforeAll(async () => {
  const kc = await kubeConfigFor("admin");
  await installDeviceCrd(kc);
  await installEnrollmentTokenCrd(kc);
  await applyDashboardRbac(kc);
  admin = await clientsOf("admin");
  deployer = await clientsOf("alice");
  viewer = await clientsOf("bob");
  const publicKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
  // As the enrollment server leaves it: PendingApproval, the device's own key.
  await admin.devices.create(
    deviceManifest({
      name: deviceId,
      spec: {
        enrollment: { publicKey, token: tokenName, requestedAt: new Date().toISOString() },
      },
    }),
  );
});

afterAll(async () => {
  await admin.tokens.deleteIfPresent(tokenName);
  await admin.devices.deleteIfPresent(deviceId);
});

describe("rbac - enrollment as the roles' groups", () => {
  it("a deployer creates, lists and revokes tokens, and approves and relabels devices", async () => {
    const created = await createEnrollmentToken(deployer.tokens, { name: tokenName });
    expect(created.name).toBe(tokenName);
    expect((await listEnrollmentTokens(deployer.tokens)).map((t) => t.name)).toContain(tokenName);
    await revokeEnrollmentToken(deployer.tokens, tokenName);
    await approveDevice(deployer.devices, deviceId, { labels: { app: "kiosk" } });
    await changeDeviceLabels(deployer.devices, deviceId, { set: { region: "eu" } });
    const device = deviceResourceSchema.parse(await admin.devices.get(deviceId));
    expect(device.spec.approved).toBe(true);
    expect(device.metadata.labels).toEqual({ app: "kiosk", region: "eu" });
    // Status is the platform's to write (iot-identity, the operator), not a deployer's.
    expect(await statusOfCall(deployer.devices.patchStatus(deviceId, { phase: "Enrolled" }))).toBe(
      403,
    );
    expect(await statusOfCall(deployer.tokens.patchStatus(tokenName, { uses: 0 }))).toBe(403);
  });

  it("a viewer may read tokens and Devices, and is refused every write", async () => {
    expect((await listEnrollmentTokens(viewer.tokens)).map((t) => t.name)).toContain(tokenName);
    expect((await viewer.devices.get(deviceId)).metadata?.name).toBe(deviceId);
    const refused = {
      "create a token": statusOfCall(createEnrollmentToken(viewer.tokens, { name: `x-${suffix}` })),
      "revoke a token": statusOfCall(revokeEnrollmentToken(viewer.tokens, tokenName)),
      "delete a token": statusOfCall(viewer.tokens.delete(tokenName)),
      "approve a device": statusOfCall(approveDevice(viewer.devices, deviceId)),
      "label a device": statusOfCall(
        changeDeviceLabels(viewer.devices, deviceId, { set: { app: "x" } }),
      ),
    };
    const statuses: Record<string, number> = {};
    for (const [what, status] of Object.entries(refused)) statuses[what] = await status;
    expect(statuses).toStrictEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, 403])));
  });
});
