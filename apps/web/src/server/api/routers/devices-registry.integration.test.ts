// The Devices page's registry procedures against the real API server, as the
// IdP's users with their own ID tokens: a device that enrolled (a Device in
// PendingApproval, made as iot-identity's enrollment server makes it) reaches
// an open page through devices.watch; alice (deployer) approves it with a
// label, edits its labels and disables it; bob (viewer) sees it all and may
// change nothing. No IdP admin key: these are changes of the Device alone.
import { randomBytes } from "node:crypto";
import { deviceResourceSchema } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import type { KubeConfig } from "@kubernetes/client-node";
import { type TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { RegisteredDevice } from "../../../devices/device-rows";
import type { SignedInUser } from "../../auth/signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "../../auth/testing";
import type { DeviceChange } from "../../devices/devices-api";
import { createPendingDevice, devicePageServices } from "../../devices/testing";
import { applyDashboardRbac } from "../../kube/apply";
import type { Services } from "../../services";
import { createCaller } from "../root";
import { rejection } from "../testing";

const suffix = randomBytes(3).toString("hex");
const pendingId = `web-enrolled-${suffix}`;
const addedId = `web-added-${suffix}`;

let admin: KubeConfig;
let devices: DeviceClient;
let alice: SignedInUser;
let bob: SignedInUser;
let services: Services;
const abort = new AbortController();

async function deviceCr(name: string) {
  const found = await devices.find(name);
  return found === undefined ? undefined : deviceResourceSchema.parse(found);
}

/** Reads pushed changes until one shows `id` as `matches` wants (others may come in between). */
async function until(
  changes: AsyncIterator<DeviceChange>,
  id: string,
  matches: (device: RegisteredDevice) => boolean,
): Promise<RegisteredDevice> {
  for (;;) {
    const next = await changes.next();
    if (next.done === true) throw new Error("the watch ended");
    const change = next.value;
    const seen =
      change.type === "snapshot"
        ? change.items.find((d) => d.id === id)
        : change.type === "upsert" && change.item.id === id
          ? change.item
          : undefined;
    if (seen !== undefined && matches(seen)) return seen;
  }
}

function issuePaths(error: TRPCError): PropertyKey[][] {
  if (!(error.cause instanceof ZodError)) throw new Error(`not a ZodError: ${String(error.cause)}`);
  return error.cause.issues.map((issue) => issue.path);
}

beforeAll(async () => {
  admin = await kubeConfigFor("admin");
  await installDeviceCrd(admin);
  await applyDashboardRbac(admin);
  devices = DeviceClient.forKubeConfig(admin);
  alice = (await signInAtIdp("alice")).user;
  bob = (await signInAtIdp("bob")).user;
  services = devicePageServices(await dashboardKubeConfig());
});

afterAll(async () => {
  abort.abort();
  for (const id of [pendingId, addedId]) await devices.deleteIfPresent(id).catch(() => undefined);
});

describe("devices router - a pending device, approved, relabelled, disabled", () => {
  let changes: AsyncIterator<DeviceChange>;

  it("pushes a device that enrolls to an open page (a viewer's), in PendingApproval", async () => {
    const viewer = createCaller({ user: bob, services }, { signal: abort.signal });
    changes = (await viewer.devices.watch())[Symbol.asyncIterator]();
    // The first message is the snapshot: the device is not there yet.
    const first = await changes.next();
    expect(first.done !== true && first.value.type).toBe("snapshot");
    await createPendingDevice(admin, pendingId, {
      token: `enroll-${suffix}`,
      labels: { site: "berlin" },
    });
    const seen = await until(changes, pendingId, () => true);
    expect(seen).toMatchObject({
      id: pendingId,
      phase: "PendingApproval",
      approved: false,
      labels: { site: "berlin" },
      enrollment: { token: `enroll-${suffix}` },
    });
    expect(seen.keyId).toBeUndefined();
  });

  it("refuses a viewer's approve and label edit (FORBIDDEN); the Device stays as it was", async () => {
    const viewer = createCaller({ user: bob, services });
    const approve = await rejection(viewer.devices.approve({ id: pendingId, labels: {} }));
    expect(approve.code).toBe("FORBIDDEN");
    expect(approve.message).toBe(`You may not update device "${pendingId}" (Kubernetes RBAC)`);
    const label = await rejection(viewer.devices.setLabels({ id: pendingId, labels: {} }));
    expect(label.code).toBe("FORBIDDEN");
    const cr = await deviceCr(pendingId);
    expect(cr?.spec.approved).toBe(false);
    expect(cr?.metadata.labels).toEqual({ site: "berlin" });
  });

  it("lets a deployer approve it, adding a label; the open page sees both", async () => {
    const approved = await createCaller({ user: alice, services }).devices.approve({
      id: pendingId,
      labels: { tier: "edge" },
    });
    expect(approved).toMatchObject({ approved: true, labels: { site: "berlin", tier: "edge" } });
    const cr = await deviceCr(pendingId);
    expect(cr?.spec.approved).toBe(true);
    expect(cr?.metadata.labels).toEqual({ site: "berlin", tier: "edge" });
    // The enrollment (its public key) is untouched: iot-identity issues the identity for it.
    expect(cr?.spec.enrollment?.token).toBe(`enroll-${suffix}`);
    await until(changes, pendingId, (d) => d.approved && d.labels.tier === "edge");
  });

  it("replaces its labels exactly (a dropped label goes), as the deployer edited them", async () => {
    const deployer = createCaller({ user: alice, services });
    await deployer.devices.setLabels({
      id: pendingId,
      labels: { site: "paris", ring: "canary" },
      previousLabels: { site: "berlin", tier: "edge" },
    });
    expect((await deviceCr(pendingId))?.metadata.labels).toEqual({
      site: "paris",
      ring: "canary",
    });
    await until(changes, pendingId, (d) => d.labels.ring === "canary" && !("tier" in d.labels));
  });

  it("refuses an edit made from labels that changed meanwhile (CONFLICT), keeping the newer ones", async () => {
    const error = await rejection(
      createCaller({ user: alice, services }).devices.setLabels({
        id: pendingId,
        labels: { site: "rome" },
        previousLabels: { site: "berlin", tier: "edge" },
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      `the labels of device "${pendingId}" changed meanwhile (now: ring=canary, site=paris); edit them again`,
    );
    expect((await deviceCr(pendingId))?.metadata.labels).toEqual({
      site: "paris",
      ring: "canary",
    });
  });

  it("lets a deployer disable it without an IdP admin key (phase Disabled) and enable it again", async () => {
    const deployer = createCaller({ user: alice, services });
    await deployer.devices.disable({ id: pendingId });
    expect((await deviceCr(pendingId))?.spec.disabled).toBe(true);
    await until(changes, pendingId, (d) => d.phase === "Disabled");
    expect(
      (await rejection(createCaller({ user: bob, services }).devices.enable({ id: pendingId })))
        .code,
    ).toBe("FORBIDDEN");
    await deployer.devices.enable({ id: pendingId });
    expect((await deviceCr(pendingId))?.spec.disabled).toBe(false);
    await until(changes, pendingId, (d) => d.phase === "PendingApproval" && !d.disabled);
  });
});

describe("devices router - what cannot be approved, and bad input", () => {
  it("refuses to approve a device that is not pending (PRECONDITION_FAILED), saying why", async () => {
    await devices.create({
      apiVersion: "iot.nationtech.io/v1alpha1",
      kind: "Device",
      metadata: { name: addedId },
      spec: { identity: { userId: "u-web-added", keyId: "k-web-added" } },
    });
    const error = await rejection(
      createCaller({ user: alice, services }).devices.approve({ id: addedId, labels: {} }),
    );
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toBe(
      `device "${addedId}" is already enrolled (it has an identity); there is nothing to approve`,
    );
    expect((await deviceCr(addedId))?.spec.approved).toBe(false);
  });

  it("answers NOT_FOUND for a device that does not exist", async () => {
    const error = await rejection(
      createCaller({ user: alice, services }).devices.approve({
        id: `web-none-${suffix}`,
        labels: {},
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe(`device "web-none-${suffix}" does not exist`);
  });

  it("rejects a bad label or id with BAD_REQUEST naming the field, before Kubernetes is asked", async () => {
    const deployer = createCaller({ user: alice, services });
    const badLabel = await rejection(
      deployer.devices.approve({ id: pendingId, labels: { tier: "no spaces" } }),
    );
    expect(badLabel.code).toBe("BAD_REQUEST");
    expect(issuePaths(badLabel)).toEqual([["labels", "tier"]]);
    const badId = await rejection(deployer.devices.setLabels({ id: "Pi_1", labels: {} }));
    expect(issuePaths(badId)).toEqual([["id"]]);
    expect((await deviceCr(pendingId))?.metadata.labels).toEqual({
      site: "paris",
      ring: "canary",
    });
  });
});
