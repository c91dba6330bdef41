// The registrar against the real servers when things go wrong: the IdP away
// while a device is approved (the Device says why it waits, and it is issued
// once the IdP is back), and two iot-identity replicas (the chart runs two)
// racing to issue the same approved device (exactly one identity is written,
// and it works).
import { randomBytes } from "node:crypto";
import {
  ENROLLMENT_PATH,
  deviceManifest,
  deviceResourceSchema,
  type DeviceResource,
} from "@fleet/contracts";
import type { DeviceClient } from "@fleet/kube";
import {
  platformConnection,
  platformZitadel,
  startServer,
  stopServer,
  waitUntil,
  type PlatformConnection,
  type PlatformZitadel,
} from "@fleet/local-platform/testing";
import { deviceScopes, fetchTrusting, JwtProfileTokenSource } from "@fleet/zitadel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deviceKeys,
  enrollmentFixture,
  startPlatformIdentity,
  type EnrollmentFixture,
  type PlatformIdentity,
  type PlatformIdentityOptions,
} from "../testing/index.js";

const run = randomBytes(3).toString("hex");
let connection: PlatformConnection;
let zitadel: PlatformZitadel;
let fixture: EnrollmentFixture;
let devices: DeviceClient;
const identities: PlatformIdentity[] = [];

beforeAll(async () => {
  connection = await platformConnection();
  zitadel = await platformZitadel();
  fixture = await enrollmentFixture();
  devices = fixture.devices;
});

afterAll(async () => {
  await startServer("oidc-idp");
  for (const identity of identities) await identity.stop();
  await fixture.cleanup();
});

async function startIdentity(
  enrollment: PlatformIdentityOptions["enrollment"] = true,
): Promise<PlatformIdentity> {
  const identity = await startPlatformIdentity({ connection, enrollment });
  identities.push(identity);
  return identity;
}

/** Enrolls a new device through `identity`'s API; returns its id and private key (PKCS#1 PEM). */
async function enrolled(identity: PlatformIdentity, what: string) {
  const token = await fixture.createToken(`rt-${run}-${what}`);
  const id = fixture.track(`reg-${what}-${run}`);
  const keys = deviceKeys();
  const enrollment = identity.enrollment;
  if (enrollment === undefined) throw new Error("enrollment was not started");
  const answer = await fetchTrusting(enrollment.ca)(`${enrollment.url}${ENROLLMENT_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, deviceId: id, publicKey: keys.publicKeyPem }),
  });
  expect(answer.status).toBe(201);
  return { id, privateKeyPem: keys.privateKeyPem };
}

async function deviceWhere(
  id: string,
  what: string,
  test: (device: DeviceResource) => boolean,
): Promise<DeviceResource> {
  let last: DeviceResource | undefined;
  await waitUntil(
    async () => {
      last = deviceResourceSchema.parse(await devices.get(id));
      return test(last);
    },
    { what: `device ${id}: ${what}`, timeoutMs: 45_000 },
  );
  return last as DeviceResource;
}

/** The IdP gives the device's own key a token for the identity on its Device. */
async function keyWorks(device: DeviceResource, privateKeyPem: string): Promise<void> {
  const identity = device.spec.identity;
  if (identity === undefined) throw new Error("no identity");
  const source = new JwtProfileTokenSource({
    key: { type: "serviceaccount", ...identity, key: privateKeyPem },
    issuer: zitadel.issuer,
    scopes: deviceScopes(zitadel.projectId),
    fetch: zitadel.fetch,
  });
  expect((await source.token()).value).toMatch(/^ey/);
}

describe("registrar - when things go wrong", () => {
  it("IdP away: an approved device says why it waits, and is issued its identity once the IdP is back", async () => {
    const identity = await startIdentity();
    const { id, privateKeyPem } = await enrolled(identity, "idp");
    await stopServer("oidc-idp");
    try {
      await devices.patchSpec(id, { approved: true });
      const waiting = await deviceWhere(id, "message says issuing failed", (d) =>
        (d.status?.message ?? "").startsWith(
          "approved, but issuing its identity failed (retrying)",
        ),
      );
      expect(waiting.status?.phase).toBe("PendingApproval");
      expect(waiting.spec.identity).toBeUndefined();
    } finally {
      await startServer("oidc-idp");
    }
    const issued = await deviceWhere(id, "Enrolled", (d) => d.status?.phase === "Enrolled");
    expect(issued.status?.message).toBeUndefined();
    await keyWorks(issued, privateKeyPem);
    await identity.stop();
    identities.splice(identities.indexOf(identity), 1);
  });

  it("two replicas racing to issue one approved device: one identity is written, and it works", async () => {
    const first = await startIdentity();
    await startIdentity();
    const { id, privateKeyPem } = await enrolled(first, "replicas");
    await devices.patchSpec(id, { approved: true });
    const issued = await deviceWhere(
      id,
      "Enrolled with no message left",
      (d) => d.status?.phase === "Enrolled" && d.status.message === undefined,
    );
    await keyWorks(issued, privateKeyPem);
    // Its identity stays the one written: the losing replica wrote none over it.
    const again = deviceResourceSchema.parse(await devices.get(id));
    expect(again.spec.identity).toEqual(issued.spec.identity);
  });

  it("an approval is issued at once while the first pass over the fleet's status is still paced", async () => {
    // Only this test's iot-identity writes status from here on.
    for (const running of identities.splice(0)) await running.stop();
    // Devices whose status the registrar must write (added with an identity, no phase yet).
    const batch = Array.from({ length: 40 }, (_, n) =>
      fixture.track(`reg-batch${String(n)}-${run}`),
    );
    for (const [n, name] of batch.entries())
      await devices.create(
        deviceManifest({ name, spec: { identity: { userId: `u${String(n)}`, keyId: `k${run}` } } }),
      );
    const identity = await startIdentity({ maxStatusPatchesPerSecond: 1 });
    const { id, privateKeyPem } = await enrolled(identity, "lane");
    await devices.patchSpec(id, { approved: true });
    const issued = await deviceWhere(id, "identity issued", (d) => d.spec.identity !== undefined);
    const unwritten = [];
    for (const name of batch)
      if (deviceResourceSchema.parse(await devices.get(name)).status?.phase === undefined)
        unwritten.push(name);
    // Issued while most paced status writes (one a second) were still to come: the approval
    // did not queue behind them (in one shared queue, only the few in flight would be left).
    expect(unwritten.length).toBeGreaterThan(batch.length / 2);
    await keyWorks(issued, privateKeyPem);
  });
});
