// Provisioning against the real local platform: the local IdP (Zitadel's
// management API and JWT-profile grant) and the real API server with the
// Device CRD. What a device can do is checked the way the agent does it: a
// token exchange at the IdP with the key from its credential file.
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import {
  deviceResourceSchema,
  parseDeviceCredentials,
  type DeviceCredentials,
  type DeviceResource,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { isZitadelNotFound } from "@fleet/zitadel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsContext, idpMachineUsers, type ProvisioningSettings } from "./connect.js";
import { deviceRegistry } from "./device-registry.js";
import { isProvisioningError } from "./errors.js";
import type { DeviceRegistry, MachineUsers } from "./ports.js";
import { createProvisioning, type Provisioning } from "./provisioning.js";
import {
  deviceAccessToken,
  platformProvisioningSettings,
  provisionTestDevice,
  tokenRefused,
  type TestDevice,
} from "./testing/index.js";

const suffix = randomBytes(3).toString("hex");
const id = (name: string): string => `prov-${name}-${suffix}`;

let settings: ProvisioningSettings;
let client: DeviceClient;
let idp: MachineUsers;
let provisioning: Provisioning;
const cleanups: (() => Promise<void>)[] = [];

function provisioningWith(devices: DeviceRegistry): Provisioning {
  return createProvisioning({ idp, devices, credentials: credentialsContext(settings) });
}

async function device(name: string): Promise<DeviceResource | undefined> {
  const found = await client.find(name);
  return found === undefined ? undefined : deviceResourceSchema.parse(found);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

async function added(name: string): Promise<TestDevice> {
  const test = await provisionTestDevice(name, { labels: { site: "berlin" } });
  cleanups.push(() => test.cleanup());
  return test;
}

beforeAll(async () => {
  const admin = await kubeConfigFor("admin");
  await installDeviceCrd(admin);
  settings = await platformProvisioningSettings();
  client = DeviceClient.forKubeConfig(admin);
  idp = idpMachineUsers(settings);
  provisioning = provisioningWith(deviceRegistry(client));
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe("provisioning - add", () => {
  it("creates the IdP machine user with a working key and the Device CR naming it; the file is 0600 and parses", async () => {
    const test = await added(id("add"));
    const cr = await device(test.deviceId);
    expect(cr?.metadata.labels).toEqual({ site: "berlin" });
    expect(cr?.spec).toMatchObject({
      disabled: false,
      identity: { userId: test.credentials.userId, keyId: test.credentials.keyId },
    });
    expect((await stat(test.credentialsFile)).mode & 0o777).toBe(0o600);
    const fromFile = parseDeviceCredentials(await readFile(test.credentialsFile, "utf8"));
    expect(fromFile).toEqual(test.credentials);
    expect(fromFile).toMatchObject({
      deviceId: test.deviceId,
      issuer: settings.issuer,
      projectId: settings.projectId,
      natsServers: [...settings.natsServers],
      issuerCa: settings.issuerCa,
    });
    expect(await deviceAccessToken(fromFile)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("refuses to add a device twice, and the first one keeps working", async () => {
    const test = await added(id("twice"));
    const error = await failure(provisioning.addDevice({ id: test.deviceId }));
    expect(isProvisioningError(error, "exists")).toBe(true);
    expect((error as Error).message).toBe(`device "${test.deviceId}" already exists`);
    expect((await device(test.deviceId))?.spec.identity?.keyId).toBe(test.credentials.keyId);
    expect(await tokenRefused(test.credentials)).toBe(false);
  });

  it("removes the new IdP user again when the Device CR cannot be created (someone else created it meanwhile)", async () => {
    const name = id("race");
    // The real API server, with another writer creating the same Device just before ours.
    const racing: DeviceRegistry = {
      ...deviceRegistry(client),
      async create(body, options) {
        if (options?.dryRun !== true) await client.create({ ...body, spec: { disabled: true } });
        return deviceRegistry(client).create(body, options);
      },
    };
    const error = await failure(provisioningWith(racing).addDevice({ id: name }));
    expect(isProvisioningError(error, "exists")).toBe(true);
    expect((await device(name))?.spec.identity).toBeUndefined();
    await client.delete(name);
    // Had the machine user named after the device been left behind, the IdP would refuse this one.
    await added(name);
  });

  it("rejects a bad id or label naming the field, before anything is created", async () => {
    const badId = await failure(provisioning.addDevice({ id: "Pi_1" }));
    expect(isProvisioningError(badId, "invalid")).toBe(true);
    expect(badId).toMatchObject({ field: "id" });
    expect((badId as Error).message).toMatch(/^invalid device id "Pi_1": must be a DNS-1123 label/);
    const name = id("badlabel");
    const badLabel = await failure(
      provisioning.addDevice({ id: name, labels: { site: "no spaces" } }),
    );
    expect(badLabel).toMatchObject({ reason: "invalid", field: "labels" });
    expect((badLabel as Error).message).toMatch(/^invalid labels: \.site: label value must be/);
    expect(await device(name)).toBeUndefined();
  });
});

describe("provisioning - disable and enable", () => {
  it("sets spec.disabled and the IdP refuses the device's token exchange; enable undoes both", async () => {
    const test = await added(id("disable"));
    await provisioning.disableDevice(test.deviceId);
    expect((await device(test.deviceId))?.spec.disabled).toBe(true);
    expect(await tokenRefused(test.credentials)).toBe(true);
    // Twice is fine: the state asked for is there.
    await provisioning.disableDevice(test.deviceId);
    await provisioning.enableDevice(test.deviceId);
    expect((await device(test.deviceId))?.spec.disabled).toBe(false);
    expect(await tokenRefused(test.credentials)).toBe(false);
  });

  it("names an unknown device", async () => {
    const error = await failure(provisioning.disableDevice(id("nobody")));
    expect(isProvisioningError(error, "not-found")).toBe(true);
    expect((error as Error).message).toBe(`device "${id("nobody")}" does not exist`);
  });
});

describe("provisioning - rotate the key", () => {
  it("gives a new key that works, records it on the Device, and the old key is refused", async () => {
    const test = await added(id("rotate"));
    let delivered: DeviceCredentials | undefined;
    const rotated = await provisioning.rotateDeviceKey(test.deviceId, {
      deliver: (credentials) => {
        delivered = credentials;
        return Promise.resolve();
      },
    });
    expect(delivered).toEqual(rotated);
    expect(rotated.keyId).not.toBe(test.credentials.keyId);
    expect(rotated.userId).toBe(test.credentials.userId);
    expect((await device(test.deviceId))?.spec.identity?.keyId).toBe(rotated.keyId);
    expect(await tokenRefused(test.credentials)).toBe(true);
    expect(await tokenRefused(rotated)).toBe(false);
  });

  it("keeps the old key when the new credentials cannot be delivered", async () => {
    const test = await added(id("undeliverable"));
    const error = await failure(
      provisioning.rotateDeviceKey(test.deviceId, {
        deliver: () => Promise.reject(new Error("disk full")),
      }),
    );
    expect((error as Error).message).toBe("disk full");
    expect((await device(test.deviceId))?.spec.identity?.keyId).toBe(test.credentials.keyId);
    expect(await tokenRefused(test.credentials)).toBe(false);
  });
});

describe("provisioning - remove", () => {
  it("removes the Device CR and the IdP user, and the device's key is refused", async () => {
    const test = await added(id("remove"));
    await provisioning.removeDevice(test.deviceId);
    expect(await device(test.deviceId)).toBeUndefined();
    expect(await tokenRefused(test.credentials)).toBe(true);
    const gone = await failure(idp.removeUser(test.credentials.userId));
    expect(isZitadelNotFound(gone)).toBe(true);
    expect(
      isProvisioningError(await failure(provisioning.removeDevice(test.deviceId)), "not-found"),
    ).toBe(true);
  });
});
