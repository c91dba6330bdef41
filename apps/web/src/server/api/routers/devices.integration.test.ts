// The devices router against the real API server and the local IdP, acting as
// the IdP's users with their own ID tokens: alice (deployer) may provision and
// revoke, bob (viewer) may only list, and a refusal of bob never reaches the
// IdP, though the dashboard holds an admin key for it.
import { randomBytes } from "node:crypto";
import {
  deviceCredentialsSchema,
  deviceResourceSchema,
  type DeviceCredentials,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { idpMachineUsers, type MachineUsers } from "@fleet/provisioning";
import { platformProvisioningSettings, tokenRefused } from "@fleet/provisioning/testing";
import { type TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { SignedInUser } from "../../auth/signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "../../auth/testing";
import { devicePageServices } from "../../devices/testing";
import { applyDashboardRbac } from "../../kube/apply";
import type { Services } from "../../services";
import { createCaller } from "../root";
import { rejection } from "../testing";

const suffix = randomBytes(3).toString("hex");
const deviceId = `web-dev-${suffix}`;

let alice: SignedInUser;
let bob: SignedInUser;
let services: Services;
let devices: DeviceClient;
/** The dashboard's kubeconfig: where the API server is; requests carry each user's own token. */
let kubeCluster: Awaited<ReturnType<typeof dashboardKubeConfig>>;

/** Every call the dashboard made to the IdP's management API, by method name. */
const idpCalls: string[] = [];

/** The real IdP client, with each call it makes recorded in idpCalls. */
function observed(idp: MachineUsers): MachineUsers {
  return new Proxy(idp, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        idpCalls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Where the input was wrong: the paths of the ZodError the procedure's input parser threw. */
function issuePaths(error: TRPCError): PropertyKey[][] {
  if (!(error.cause instanceof ZodError)) throw new Error(`not a ZodError: ${String(error.cause)}`);
  return error.cause.issues.map((issue) => issue.path);
}

async function deviceCr(name: string) {
  const found = await devices.find(name);
  return found === undefined ? undefined : deviceResourceSchema.parse(found);
}

beforeAll(async () => {
  const admin = await kubeConfigFor("admin");
  await installDeviceCrd(admin);
  await applyDashboardRbac(admin);
  devices = DeviceClient.forKubeConfig(admin);
  alice = (await signInAtIdp("alice")).user;
  bob = (await signInAtIdp("bob")).user;
  kubeCluster = await dashboardKubeConfig();
  const settings = await platformProvisioningSettings();
  services = devicePageServices(kubeCluster, {
    provisioning: { settings, idp: observed(idpMachineUsers(settings)) },
  });
});

afterAll(async () => {
  await createCaller({ user: alice, services })
    .devices.remove({ id: deviceId })
    .catch(() => undefined);
});

describe("devices router - RBAC on Device CRs decides, with the users' own tokens", () => {
  let credentials: DeviceCredentials;

  it("refuses a viewer's add (FORBIDDEN) without asking the IdP anything", async () => {
    const error = await rejection(
      createCaller({ user: bob, services }).devices.add({ id: deviceId, labels: {} }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe(`You may not create device "${deviceId}" (Kubernetes RBAC)`);
    expect(await deviceCr(deviceId)).toBeUndefined();
    expect(idpCalls).toEqual([]);
  });

  it("lets a deployer add: the credential file comes back once, and the Device exists", async () => {
    // Had bob's refused add created the IdP user named after the device, this would conflict.
    const result = await createCaller({ user: alice, services }).devices.add({
      id: deviceId,
      labels: { site: "berlin" },
    });
    credentials = deviceCredentialsSchema.parse(result.credentials);
    expect(credentials.deviceId).toBe(deviceId);
    expect(await tokenRefused(credentials)).toBe(false);
    const cr = await deviceCr(deviceId);
    expect(cr?.metadata.labels).toEqual({ site: "berlin" });
    expect(cr?.spec.identity).toEqual({ userId: credentials.userId, keyId: credentials.keyId });
  });

  it("lets a viewer list devices, with what the page shows", async () => {
    const listed = await createCaller({ user: bob, services }).devices.list();
    expect(listed.provisioning).toBe(true);
    expect(listed.devices.find((d) => d.id === deviceId)).toEqual({
      id: deviceId,
      labels: { site: "berlin" },
      disabled: false,
      approved: false,
      phase: "Enrolled",
      userId: credentials.userId,
      keyId: credentials.keyId,
    });
  });

  it("answers CONFLICT to adding the same device again", async () => {
    const error = await rejection(
      createCaller({ user: alice, services }).devices.add({ id: deviceId, labels: {} }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(`device "${deviceId}" already exists`);
  });

  it("refuses a viewer's disable, rotate and remove before the IdP is asked; the device and its key stay as they were", async () => {
    const viewer = createCaller({ user: bob, services });
    idpCalls.length = 0;
    for (const attempt of [
      () => viewer.devices.disable({ id: deviceId }),
      () => viewer.devices.rotateKey({ id: deviceId }),
      () => viewer.devices.remove({ id: deviceId }),
    ]) {
      expect((await rejection(attempt())).code).toBe("FORBIDDEN");
    }
    expect(idpCalls).toEqual([]);
    expect((await deviceCr(deviceId))?.spec).toMatchObject({
      disabled: false,
      identity: { keyId: credentials.keyId },
    });
    expect(await tokenRefused(credentials)).toBe(false);
  });

  it("lets a deployer disable (the IdP refuses the device) and enable it again", async () => {
    const deployer = createCaller({ user: alice, services });
    await deployer.devices.disable({ id: deviceId });
    expect((await deviceCr(deviceId))?.spec.disabled).toBe(true);
    expect(await tokenRefused(credentials)).toBe(true);
    await deployer.devices.enable({ id: deviceId });
    expect((await deviceCr(deviceId))?.spec.disabled).toBe(false);
    expect(await tokenRefused(credentials)).toBe(false);
  });

  it("lets a deployer rotate the key: the new one works, the old one is refused", async () => {
    const { credentials: rotated } = await createCaller({
      user: alice,
      services,
    }).devices.rotateKey({ id: deviceId });
    expect(rotated.keyId).not.toBe(credentials.keyId);
    expect(await tokenRefused(credentials)).toBe(true);
    expect(await tokenRefused(rotated)).toBe(false);
    credentials = rotated;
  });

  it("lets a deployer remove it; then it is NOT_FOUND", async () => {
    const deployer = createCaller({ user: alice, services });
    await deployer.devices.remove({ id: deviceId });
    expect(await deviceCr(deviceId)).toBeUndefined();
    expect(await tokenRefused(credentials)).toBe(true);
    const error = await rejection(deployer.devices.disable({ id: deviceId }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe(`device "${deviceId}" does not exist`);
  });
});

describe("devices router - input and configuration", () => {
  it("rejects a bad id or label with BAD_REQUEST naming the field, before Kubernetes is asked", async () => {
    const deployer = createCaller({ user: alice, services });
    const badId = await rejection(deployer.devices.add({ id: "Pi_1", labels: {} }));
    expect(badId.code).toBe("BAD_REQUEST");
    expect(issuePaths(badId)).toEqual([["id"]]);
    const badLabel = await rejection(
      deployer.devices.add({ id: `web-x-${suffix}`, labels: { site: "no spaces" } }),
    );
    expect(badLabel.code).toBe("BAD_REQUEST");
    expect(issuePaths(badLabel)).toEqual([["labels", "site"]]);
  });

  it("without an IdP admin key: lists, and says provisioning is not configured", async () => {
    const unconfigured = devicePageServices(kubeCluster);
    const caller = createCaller({ user: alice, services: unconfigured });
    expect((await caller.devices.list()).provisioning).toBe(false);
    const error = await rejection(caller.devices.add({ id: `web-y-${suffix}`, labels: {} }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/^Device provisioning is not configured on this dashboard/);
  });

  it("answers UNAUTHORIZED without a signed-in user", async () => {
    const error = await rejection(createCaller({ user: null, services }).devices.list());
    expect(error.code).toBe("UNAUTHORIZED");
  });
});
