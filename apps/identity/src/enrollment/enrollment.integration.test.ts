// Enrollment against the real servers: iot-identity's HTTPS enrollment API and
// its registrar, the API server's Devices and EnrollmentTokens, the local IdP
// (Zitadel's management API and JWT-profile grant) and nats-server with the
// auth callout. A device holds its own key pair; only its public half is sent.
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { request as httpsRequest } from "node:https";
import {
  ENROLLMENT_PATH,
  ENROLLMENT_REQUEST_MAX_BYTES,
  ENROLLMENT_STATUS_PATH,
  deviceManifest,
  deviceResourceSchema,
  enrollmentStatusResponseSchema,
  enrollmentTokenResourceSchema,
  formatEnrollmentToken,
  type DeviceResource,
  type EnrollmentTokenResource,
  type EnrollmentTokenSpecInput,
} from "@fleet/contracts";
import type { DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import {
  platformConnection,
  platformZitadel,
  waitUntil,
  type PlatformConnection,
  type PlatformZitadel,
} from "@fleet/local-platform/testing";
import { provisionTestDevice } from "@fleet/provisioning/testing";
import {
  deviceScopes,
  fetchTrusting,
  isZitadelTokenError,
  JwtProfileTokenSource,
} from "@fleet/zitadel";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAsDevice, forgedAccessToken } from "../testing/devices.js";
import {
  deviceKeys,
  enrollmentFixture,
  startPlatformIdentity,
  type DeviceKeys,
  type EnrollmentFixture,
  type PlatformIdentity,
} from "../testing/index.js";

const run = randomBytes(3).toString("hex");
let connection: PlatformConnection;
let zitadel: PlatformZitadel;
let identity: PlatformIdentity;
let fixture: EnrollmentFixture;
let devices: DeviceClient;
let tokens: EnrollmentTokenClient;
let trusting: typeof fetch;
let baseUrl: string;
let tokenCount = 0;

beforeAll(async () => {
  connection = await platformConnection();
  zitadel = await platformZitadel();
  fixture = await enrollmentFixture();
  ({ devices, tokens } = fixture);
  identity = await startPlatformIdentity({ connection, enrollment: true });
  const enrollment = identity.enrollment;
  if (enrollment === undefined) throw new Error("enrollment was not started");
  baseUrl = enrollment.url;
  trusting = fetchTrusting(enrollment.ca);
});

afterAll(async () => {
  await identity.stop();
  await fixture.cleanup();
});

/** A token CR as `enrollment create` makes one (only the hash stored). */
async function createToken(spec: Omit<EnrollmentTokenSpecInput, "secretHash"> = {}): Promise<{
  name: string;
  text: string;
}> {
  const name = `t-${run}-${String(tokenCount++)}`;
  return { name, text: await fixture.createToken(name, spec) };
}

async function token(name: string): Promise<EnrollmentTokenResource> {
  return enrollmentTokenResourceSchema.parse(await tokens.get(name));
}

async function device(name: string): Promise<DeviceResource> {
  return deviceResourceSchema.parse(await devices.get(name));
}

const deviceId = (what: string): string => fixture.track(`enr-${what}-${run}`);

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await trusting(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The status of a POST with this exact request target (fetch would normalise it). */
function rawStatus(target: string): Promise<number | undefined> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: target,
        method: "POST",
        ca: identity.enrollment?.ca,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.once("error", reject);
    req.end("{}");
  });
}

function enroll(id: string, tokenText: string, keys: DeviceKeys = deviceKeys()) {
  return post(ENROLLMENT_PATH, { token: tokenText, deviceId: id, publicKey: keys.publicKeyPem });
}

async function proof(
  id: string,
  key: KeyObject,
  audience = `${baseUrl}${ENROLLMENT_STATUS_PATH}`,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(id)
    .setSubject(id)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(key);
}

async function statusOf(id: string, key: KeyObject, audience?: string) {
  return post(ENROLLMENT_STATUS_PATH, { deviceId: id, proof: await proof(id, key, audience) });
}

async function phaseIs(id: string, phase: string): Promise<DeviceResource> {
  let last: DeviceResource | undefined;
  await waitUntil(
    async () => {
      last = await device(id);
      return last.status?.phase === phase;
    },
    { what: `device ${id} in status.phase ${phase}`, timeoutMs: 20_000 },
  );
  return last as DeviceResource;
}

describe("enrollment - tokens", () => {
  it("a token's use creates the Device in PendingApproval with the token's labels and the device's key; the use is recorded", async () => {
    const { name, text } = await createToken({ labels: { site: "lab", app: "kiosk" } });
    const id = deviceId("ok");
    const keys = deviceKeys();
    const answer = await enroll(id, text, keys);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ deviceId: id, phase: "PendingApproval" });
    expect(answer.body.message).toContain(`iot-operator device approve ${id}`);
    const created = await device(id);
    expect(created.metadata.labels).toEqual({ site: "lab", app: "kiosk" });
    expect(created.spec).toMatchObject({ approved: false, disabled: false });
    expect(created.spec.identity).toBeUndefined();
    expect(created.spec.enrollment).toMatchObject({ publicKey: keys.publicKeyPem, token: name });
    await phaseIs(id, "PendingApproval");
    const used = await token(name);
    expect(used.status?.uses).toBe(1);
    expect(used.status?.recentUses).toEqual([
      expect.objectContaining({ device: id, result: "Accepted" }),
    ]);
    // Its secret is nowhere in what the API server keeps.
    expect(JSON.stringify(await tokens.get(name))).not.toContain(text.split(".")[1]);
  });

  it("an expired, used-up or revoked token is refused with a message that says which, recorded, and no Device is made", async () => {
    const expired = await createToken({ expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const revoked = await createToken({ revoked: true });
    const single = await createToken();
    expect((await enroll(deviceId("first"), single.text)).status).toBe(201);

    const cases = [
      [expired, deviceId("expired"), `enrollment token "${expired.name}" expired at`],
      [revoked, deviceId("revoked"), `enrollment token "${revoked.name}" has been revoked`],
      [
        single,
        deviceId("second"),
        `enrollment token "${single.name}" has been used up (1 of 1 use)`,
      ],
    ] as const;
    for (const [used, id, message] of cases) {
      const answer = await enroll(id, used.text);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toContain(message);
      expect(await devices.find(id)).toBeUndefined();
      const recent = (await token(used.name)).status?.recentUses[0];
      expect(recent).toMatchObject({ device: id, result: "Refused" });
      expect(recent?.reason).toContain(message);
    }
    expect((await token(single.name)).status?.uses).toBe(1);
  });

  it("a wrong secret and an unknown token get one answer (names cannot be probed), leave no trace in the CR and make no Device", async () => {
    const { name } = await createToken();
    const wrong = formatEnrollmentToken(name, randomBytes(32).toString("base64url"));
    const unknown = formatEnrollmentToken(`nope-${run}`, randomBytes(32).toString("base64url"));
    const id = deviceId("wrong");
    const answers = [await enroll(id, wrong), await enroll(id, unknown)];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe(
        "the enrollment token is not valid (unknown, or its secret is wrong)",
      );
    }
    expect(await devices.find(id)).toBeUndefined();
    expect((await token(name)).status?.recentUses ?? []).toEqual([]);
  });

  it("two racing uses of a single-use token: exactly one device enrolls", async () => {
    const { name, text } = await createToken();
    const ids = [deviceId("race-a"), deviceId("race-b"), deviceId("race-c")];
    const answers = await Promise.all(ids.map((id) => enroll(id, text)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 403, 403]);
    const existing = await Promise.all(ids.map((id) => devices.find(id)));
    expect(existing.filter((d) => d !== undefined)).toHaveLength(1);
    const used = await token(name);
    expect(used.status?.uses).toBe(1);
    expect(used.status?.recentUses.map((u) => u.result).sort()).toEqual([
      "Accepted",
      "Refused",
      "Refused",
    ]);
  });

  it("a device id that exists is refused (409) naming it; the Device is untouched and the use given back", async () => {
    const id = deviceId("taken");
    await devices.create(deviceManifest({ name: id, labels: { keep: "me" } }));
    const before = await device(id);
    const { name, text } = await createToken({ labels: { other: "x" } });
    const answer = await enroll(id, text);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toContain(`device "${id}" already exists`);
    const after = await device(id);
    expect(after.metadata.labels).toEqual({ keep: "me" });
    expect(after.spec).toEqual(before.spec);
    const used = await token(name);
    expect(used.status?.uses).toBe(0);
    expect(used.status?.recentUses[0]).toMatchObject({ device: id, result: "Refused" });
  });

  it("bad requests are refused naming what is wrong: field, key type, size, content type, method", async () => {
    const { text } = await createToken();
    const id = deviceId("bad");
    const missing = await post(ENROLLMENT_PATH, {
      token: text,
      publicKey: deviceKeys().publicKeyPem,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toContain("deviceId");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    const ecAnswer = await post(ENROLLMENT_PATH, { token: text, deviceId: id, publicKey: ec });
    expect(ecAnswer).toEqual({
      status: 400,
      body: { error: "publicKey: must be an RSA key (got ec)" },
    });
    const huge = await post(ENROLLMENT_PATH, "x".repeat(ENROLLMENT_REQUEST_MAX_BYTES + 1));
    expect(huge.status).toBe(413);
    const notJson = await post(ENROLLMENT_PATH, "{", {});
    expect(notJson).toEqual({ status: 400, body: { error: "the request body is not valid JSON" } });
    const form = await post(ENROLLMENT_PATH, "a=b", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    const get = await trusting(`${baseUrl}${ENROLLMENT_PATH}`);
    expect(get.status).toBe(405);
    // A request target no URL parser takes is just no path of ours (it once was an unhandled rejection).
    expect(await rawStatus("//[")).toBe(404);
    expect((await trusting(`${baseUrl}${ENROLLMENT_PATH}`)).status).toBe(405);
    // Each answer is counted by route and code.
    const counted = await identity.service.metrics.registry.getSingleMetricAsString(
      "identity_enrollment_requests_total",
    );
    for (const series of [
      'route="enroll",code="413"',
      'route="enroll",code="415"',
      'route="unknown",code="404"',
    ])
      expect(counted).toContain(series);
    expect(await devices.find(id)).toBeUndefined();
  });
});

describe("enrollment - approval and identity", () => {
  it("a pending device has no IdP identity: it cannot get a token nor connect to NATS", async () => {
    const { text } = await createToken();
    const id = deviceId("pending");
    const keys = deviceKeys();
    expect((await enroll(id, text, keys)).status).toBe(201);
    expect((await statusOf(id, keys.privateKey)).body).toMatchObject({ phase: "PendingApproval" });
    // Whatever user id it claims, the IdP has no key of its for it.
    const grant = new JwtProfileTokenSource({
      key: { type: "serviceaccount", keyId: "1", userId: id, key: keys.privateKeyPem },
      issuer: zitadel.issuer,
      scopes: deviceScopes(zitadel.projectId),
      fetch: zitadel.fetch,
    });
    const refused = await grant.token().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isZitadelTokenError(refused) && refused.error).toBe("invalid_grant");
    // And a token it made itself is no access token of the IdP's.
    await expect(
      connectAsDevice(connection, id, await forgedAccessToken(connection, id)),
    ).rejects.toThrow(/authoriz/i);
  });

  it("approve: the identity is issued for the device's own key; its private key gets a token and it connects", async () => {
    const { text } = await createToken({ labels: { app: "kiosk" } });
    const id = deviceId("approve");
    const keys = deviceKeys();
    expect((await enroll(id, text, keys)).status).toBe(201);
    await phaseIs(id, "PendingApproval");
    await devices.patchSpec(id, { approved: true });
    const enrolled = await phaseIs(id, "Enrolled");
    const issued = enrolled.spec.identity;
    expect(issued).toBeDefined();
    expect(enrolled.status?.identity?.keyId).toBe(issued?.keyId);
    expect(enrolled.status?.message).toBeUndefined();

    const answer = await statusOf(id, keys.privateKey);
    expect(answer.status).toBe(200);
    const status = enrollmentStatusResponseSchema.parse(answer.body);
    if (status.phase !== "Enrolled") throw new Error(`still ${status.phase}`);
    expect(status.identity).toEqual({
      userId: issued?.userId,
      keyId: issued?.keyId,
      issuer: connection.oidc.issuer,
      projectId: connection.oidc.projectId,
      natsServers: [connection.natsUrl],
      issuerCa: expect.stringContaining("BEGIN CERTIFICATE") as unknown,
    });
    // The device's own private key, never seen by the server, is what the IdP now accepts.
    const source = new JwtProfileTokenSource({
      key: {
        type: "serviceaccount",
        keyId: status.identity.keyId,
        userId: status.identity.userId,
        key: keys.privateKeyPem,
      },
      issuer: status.identity.issuer,
      scopes: deviceScopes(status.identity.projectId),
      fetch: fetchTrusting(status.identity.issuerCa),
    });
    const nc = await connectAsDevice(connection, id, (await source.token()).value);
    await nc.close();
  });

  it("an auto-approve token's device is issued its identity without a deployer", async () => {
    const { text } = await createToken({ autoApprove: true });
    const id = deviceId("auto");
    expect((await enroll(id, text)).status).toBe(201);
    expect((await device(id)).spec.approved).toBe(true);
    const enrolled = await phaseIs(id, "Enrolled");
    expect(enrolled.spec.identity?.userId).toMatch(/^\d+$/);
  });

  it("the status needs a proof signed by the enrolled key, for this server; a disabled device hears so", async () => {
    const { text } = await createToken();
    const id = deviceId("proof");
    const keys = deviceKeys();
    expect((await enroll(id, text, keys)).status).toBe(201);
    const other = await statusOf(id, deviceKeys().privateKey);
    expect(other).toEqual({
      status: 401,
      body: { error: "proof: is not signed by the key this device enrolled with" },
    });
    const elsewhere = await statusOf(
      id,
      keys.privateKey,
      "https://elsewhere.example/v1/enrollments/status",
    );
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error).toContain("audience");
    const unknown = await statusOf(`nope-${run}`, keys.privateKey);
    expect(unknown.status).toBe(404);
    await devices.patchSpec(id, { disabled: true });
    // Once iot-identity has seen the change (status.phase), the device hears it too.
    await phaseIs(id, "Disabled");
    expect((await statusOf(id, keys.privateKey)).body).toEqual({
      phase: "Disabled",
      message: `device "${id}" has been disabled by a deployer`,
    });
  });
});

describe("registrar - Device status", () => {
  it("keeps phase and identity true for a device added by a deployer, and follows disable", async () => {
    const added = await provisionTestDevice(`enr-added-${run}`);
    try {
      const enrolled = await phaseIs(added.deviceId, "Enrolled");
      expect(enrolled.status?.identity).toMatchObject({ keyId: added.credentials.keyId });
      await devices.patchSpec(added.deviceId, { disabled: true });
      const disabled = await phaseIs(added.deviceId, "Disabled");
      expect(disabled.status?.message).toBe("disabled by a deployer (spec.disabled)");
    } finally {
      await added.cleanup();
    }
  });
});
