// Enrollment tokens, approval and labels against the real API server with the
// real CRDs: what is stored (a hash, never the secret), what the API server
// holds after each call, and the refusals, each naming what is wrong.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import {
  deviceManifest,
  deviceResourceSchema,
  enrollmentTokenResourceSchema,
  parseEnrollmentToken,
  type DeviceResource,
  type DeviceSpecInput,
} from "@fleet/contracts";
import { DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import { installDeviceCrd, installEnrollmentTokenCrd } from "@fleet/kube/testing";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeDeviceLabels, approveDevice, setDeviceLabels } from "./device-approval.js";
import { enrollmentSecretMatches } from "./enrollment-secret.js";
import {
  createEnrollmentToken,
  DEFAULT_ENROLLMENT_TOKEN_TTL_MS,
  enrollCommandFor,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from "./enrollment-tokens.js";
import { isProvisioningError } from "./errors.js";

const suffix = randomBytes(3).toString("hex");
const name = (what: string): string => `enr-${what}-${suffix}`;

let tokens: EnrollmentTokenClient;
let devices: DeviceClient;
const createdTokens: string[] = [];
const createdDevices: string[] = [];

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

async function storedToken(tokenName: string) {
  return enrollmentTokenResourceSchema.parse(await tokens.get(tokenName));
}

async function storedDevice(id: string): Promise<DeviceResource> {
  return deviceResourceSchema.parse(await devices.get(id));
}

const publicKey = (): string =>
  generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();

/**
 * The real client, except that another writer changes the Device (`write`)
 * right after the first read: what a concurrent deployer or the registrar does.
 */
function writtenAfterFirstRead(write: (id: string) => Promise<unknown>): {
  client: DeviceClient;
  reads: () => number;
} {
  let reads = 0;
  const client = new Proxy(devices, {
    get(target, property, receiver) {
      if (property === "find")
        return async (id: string) => {
          const found = await target.find(id);
          if (++reads === 1) await write(id);
          return found;
        };
      const value: unknown = Reflect.get(target, property, receiver);
      // Bound to the real client: its private fields are not the proxy's.
      return typeof value === "function" ? (value.bind(target) as unknown) : value;
    },
  });
  return { client, reads: () => reads };
}

/** A Device as the enrollment server leaves it: PendingApproval, the device's key in spec.enrollment. */
async function enrolledDevice(
  what: string,
  options: { labels?: Record<string, string>; spec?: DeviceSpecInput } = {},
): Promise<string> {
  const id = name(what);
  await devices.create(
    deviceManifest({
      name: id,
      ...(options.labels === undefined ? {} : { labels: options.labels }),
      spec: {
        enrollment: {
          publicKey: publicKey(),
          token: name("tok"),
          requestedAt: new Date().toISOString(),
        },
        ...options.spec,
      },
    }),
  );
  createdDevices.push(id);
  return id;
}

beforeAll(async () => {
  const admin = await kubeConfigFor("admin");
  await installDeviceCrd(admin);
  await installEnrollmentTokenCrd(admin);
  tokens = EnrollmentTokenClient.forKubeConfig(admin);
  devices = DeviceClient.forKubeConfig(admin);
});

afterAll(async () => {
  for (const tokenName of createdTokens) await tokens.deleteIfPresent(tokenName);
  for (const id of createdDevices) await devices.deleteIfPresent(id);
});

describe("enrollment tokens - create", () => {
  it("stores only the secret's hash; the text is <name>.<secret>, single-use, a day long by default", async () => {
    const before = Date.now();
    const created = await createEnrollmentToken(tokens, {
      name: name("basic"),
      labels: { site: "berlin" },
    });
    createdTokens.push(created.name);
    const { name: tokenName, secret } = parseEnrollmentToken(created.token);
    expect(tokenName).toBe(name("basic"));
    const stored = await storedToken(tokenName);
    expect(enrollmentSecretMatches(secret, stored.spec.secretHash)).toBe(true);
    expect(JSON.stringify(await tokens.get(tokenName))).not.toContain(secret);
    expect(stored.spec).toMatchObject({
      maxUses: 1,
      autoApprove: false,
      revoked: false,
      labels: { site: "berlin" },
    });
    const expiresAt = Date.parse(stored.spec.expiresAt ?? "");
    expect(expiresAt).toBeGreaterThanOrEqual(before + DEFAULT_ENROLLMENT_TOKEN_TTL_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + DEFAULT_ENROLLMENT_TOKEN_TTL_MS);
    expect(created).toMatchObject({ maxUses: 1, autoApprove: false, labels: { site: "berlin" } });
    expect(enrollCommandFor(created, "https://fleet.example:8443")).toBe(
      `IOT_ENROLL_TOKEN=${created.token} iot-agent enroll --server https://fleet.example:8443`,
    );
  });

  it("takes uses, auto-approve, a lifetime or no expiry, and makes up a name when none is given", async () => {
    const many = await createEnrollmentToken(tokens, {
      maxUses: 50,
      autoApprove: true,
      ttlMs: 60 * 60 * 1000,
      description: "the kiosk batch",
    });
    createdTokens.push(many.name);
    expect(many.name).toMatch(/^enroll-[0-9a-f]{10}$/);
    expect((await storedToken(many.name)).spec).toMatchObject({
      maxUses: 50,
      autoApprove: true,
      description: "the kiosk batch",
    });
    const forever = await createEnrollmentToken(tokens, { name: name("forever"), noExpiry: true });
    createdTokens.push(forever.name);
    expect(forever.expiresAt).toBeUndefined();
    expect((await storedToken(forever.name)).spec.expiresAt).toBeUndefined();
  });

  it("refuses a taken name and bad input, naming the field, and creates nothing", async () => {
    const taken = await failure(createEnrollmentToken(tokens, { name: name("basic") }));
    expect(taken).toMatchObject({ reason: "exists", field: "name" });
    expect((taken as Error).message).toBe(`enrollment token "${name("basic")}" already exists`);

    const cases: [Parameters<typeof createEnrollmentToken>[1], string, RegExp][] = [
      [{ name: "Bad_Name" }, "name", /^invalid token name "Bad_Name": /],
      [{ name: name("bad1"), maxUses: 0 }, "maxUses", /maxUses: must be at least 1/],
      [{ name: name("bad2"), labels: { site: "no spaces" } }, "labels", /labels.*label value/],
      [
        { name: name("bad3"), expiresAt: new Date(Date.now() - 1000) },
        "expiresAt",
        /must be in the future/,
      ],
      [{ name: name("bad4"), ttlMs: 1000, noExpiry: true }, "expiresAt", /at most one of/],
      [{ name: name("bad5"), ttlMs: 400 * 24 * 3600 * 1000 }, "expiresAt", /at most 365 days/],
    ];
    for (const [input, field, message] of cases) {
      const error = await failure(createEnrollmentToken(tokens, input));
      expect(isProvisioningError(error, "invalid"), field).toBe(true);
      expect(error, field).toMatchObject({ field });
      expect((error as Error).message, field).toMatch(message);
    }
    for (const what of ["bad1", "bad2", "bad3", "bad4", "bad5"])
      expect(await tokens.find(name(what))).toBeUndefined();
  });
});

describe("enrollment tokens - list and revoke", () => {
  it("lists uses, expiry, auto-approve and state, never the secret or its hash", async () => {
    const created = await createEnrollmentToken(tokens, { name: name("listed"), maxUses: 2 });
    createdTokens.push(created.name);
    const listed = (await listEnrollmentTokens(tokens)).find((t) => t.name === created.name);
    expect(listed).toMatchObject({
      state: "Active",
      uses: 0,
      maxUses: 2,
      autoApprove: false,
      revoked: false,
      expiresAt: created.expiresAt,
    });
    expect(JSON.stringify(listed)).not.toMatch(/sha256|secret/);
    expect(JSON.stringify(listed)).not.toContain(parseEnrollmentToken(created.token).secret);

    // Used up once the identity service has counted its uses (status is its to write).
    await tokens.patchStatus(created.name, { uses: 2, recentUses: [] });
    const usedUp = await listEnrollmentTokens(tokens);
    expect(usedUp.find((t) => t.name === created.name)).toMatchObject({ state: "UsedUp", uses: 2 });
    // A day later it has expired.
    const later = await listEnrollmentTokens(tokens, {
      now: () => new Date(Date.now() + DEFAULT_ENROLLMENT_TOKEN_TTL_MS + 1000),
    });
    expect(later.find((t) => t.name === name("basic"))?.state).toBe("Expired");
  });

  it("revoke marks it revoked and keeps its record; twice is fine; an unknown token is named", async () => {
    const created = await createEnrollmentToken(tokens, { name: name("revoked") });
    createdTokens.push(created.name);
    await revokeEnrollmentToken(tokens, created.name);
    await revokeEnrollmentToken(tokens, created.name);
    expect((await storedToken(created.name)).spec.revoked).toBe(true);
    const listed = (await listEnrollmentTokens(tokens)).find((t) => t.name === created.name);
    expect(listed).toMatchObject({ state: "Revoked", revoked: true });
    const unknown = await failure(revokeEnrollmentToken(tokens, name("nobody")));
    expect(unknown).toMatchObject({ reason: "not-found", field: "name" });
    expect((unknown as Error).message).toBe(`enrollment token "${name("nobody")}" does not exist`);
  });
});

describe("devices - approve", () => {
  it("sets spec.approved and merges the labels given into the device's own", async () => {
    const id = await enrolledDevice("approve", { labels: { site: "berlin", tier: "edge" } });
    const approved = await approveDevice(devices, id, { labels: { app: "kiosk", tier: "core" } });
    const stored = await storedDevice(id);
    expect(stored.spec.approved).toBe(true);
    expect(stored.metadata.labels).toEqual({ site: "berlin", tier: "core", app: "kiosk" });
    expect(approved.metadata.labels).toEqual(stored.metadata.labels);
    // Approving again before the identity arrives is fine.
    await approveDevice(devices, id);
    expect((await storedDevice(id)).spec.approved).toBe(true);
  });

  it("refuses a device that is not pending, saying why, and changes nothing", async () => {
    const enrolled = await enrolledDevice("enrolled", {
      spec: { identity: { userId: "311111", keyId: "322222" } },
    });
    const disabled = await enrolledDevice("disabled", { spec: { disabled: true } });
    const added = name("added");
    await devices.create(deviceManifest({ name: added }));
    createdDevices.push(added);
    const expected: [string, RegExp][] = [
      [enrolled, /is already enrolled \(it has an identity\); there is nothing to approve$/],
      [disabled, /is disabled; enable it first/],
      [added, /did not enroll with a token \(it has no spec.enrollment\)/],
    ];
    for (const [id, message] of expected) {
      const before = await devices.get(id);
      const error = await failure(approveDevice(devices, id, { labels: { app: "x" } }));
      expect(isProvisioningError(error, "not-pending"), id).toBe(true);
      expect((error as Error).message, id).toMatch(new RegExp(`^device "${id}" `));
      expect((error as Error).message, id).toMatch(message);
      expect((await devices.get(id)).metadata?.resourceVersion, id).toBe(
        before.metadata?.resourceVersion,
      );
    }
    const unknown = await failure(approveDevice(devices, name("nobody")));
    expect(unknown).toMatchObject({ reason: "not-found", field: "id" });
  });

  it("refuses bad labels naming them, before writing anything", async () => {
    const id = await enrolledDevice("badlabels");
    const error = await failure(approveDevice(devices, id, { labels: { "bad key": "x" } }));
    expect(error).toMatchObject({ reason: "invalid", field: "labels" });
    expect((error as Error).message).toMatch(/^invalid labels: .*bad key/);
    expect((await storedDevice(id)).spec.approved).toBe(false);
  });
});

describe("devices - labels", () => {
  it("set replaces the whole set; change adds, overwrites and removes like kubectl label", async () => {
    const id = await enrolledDevice("labels", { labels: { site: "berlin", old: "yes" } });
    await setDeviceLabels(devices, id, { site: "paris", app: "kiosk" });
    expect((await storedDevice(id)).metadata.labels).toEqual({ site: "paris", app: "kiosk" });
    await changeDeviceLabels(devices, id, {
      set: { region: "eu", app: "signage" },
      remove: ["site", "absent"],
    });
    expect((await storedDevice(id)).metadata.labels).toEqual({ app: "signage", region: "eu" });
    await setDeviceLabels(devices, id, {});
    expect((await storedDevice(id)).metadata.labels ?? {}).toEqual({});
  });

  it("refuses bad labels and a key both set and removed, naming it, and leaves the labels alone", async () => {
    const id = await enrolledDevice("labelbad", { labels: { site: "berlin" } });
    const bad = await failure(setDeviceLabels(devices, id, { site: "no spaces" }));
    expect(bad).toMatchObject({ reason: "invalid", field: "labels" });
    const both = await failure(
      changeDeviceLabels(devices, id, { set: { app: "x" }, remove: ["app"] }),
    );
    expect((both as Error).message).toBe(
      `label "app" is both set and removed; say one or the other`,
    );
    const tooMany = Object.fromEntries(
      Array.from({ length: 65 }, (_, i) => [`k${String(i)}`, "v"]),
    );
    expect(await failure(setDeviceLabels(devices, id, tooMany))).toMatchObject({
      reason: "invalid",
      field: "labels",
    });
    expect((await storedDevice(id)).metadata.labels).toEqual({ site: "berlin" });
  });

  it("a write based on an old read is redone from a fresh one, never applied to what changed meanwhile", async () => {
    const id = await enrolledDevice("race", { labels: { site: "berlin" } });
    // The real API server, with another writer adding a label just after our first read.
    const { client, reads } = writtenAfterFirstRead((device) =>
      devices.mergePatch(device, { metadata: { labels: { b: "2" } } }),
    );
    await setDeviceLabels(client, id, { x: "1" });
    expect(reads()).toBe(2);
    // Exactly the set asked for: the label added meanwhile was seen on the second read and removed.
    expect((await storedDevice(id)).metadata.labels).toEqual({ x: "1" });
  });

  it("an approval racing the identity being issued is refused, not applied to an enrolled device", async () => {
    const id = await enrolledDevice("approverace");
    const { client } = writtenAfterFirstRead((device) =>
      devices.patchSpec(device, { identity: { userId: "311111", keyId: "322222" } }),
    );
    const error = await failure(approveDevice(client, id, { labels: { app: "kiosk" } }));
    expect(isProvisioningError(error, "not-pending")).toBe(true);
    const stored = await storedDevice(id);
    expect(stored.spec.approved).toBe(false);
    expect(stored.metadata.labels ?? {}).toEqual({});
  });
});
