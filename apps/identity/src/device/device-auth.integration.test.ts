// Devices against the real nats-server, the local IdP (Zitadel's JWT-profile
// grant) and the API server's Device registry, with the identity service
// answering the auth callout: a device reads and watches its own desired
// state and writes its own status, and nothing else; tokens that are not a
// registered, enabled device's, for this project, unexpired and signed by the
// IdP are refused, with the reason counted; disabling a device closes it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  agentStatusKey,
  decodeAgentStatus,
  encodeAgentStatus,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import {
  connectAsAdmin,
  kubeConfigFor,
  platformConnection,
  platformZitadel,
  waitUntil,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { provisionTestDevice, type TestDevice } from "@fleet/provisioning/testing";
import { LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY, isZitadelTokenError } from "@fleet/zitadel";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { accessToken, connectAsDevice, forgedAccessToken } from "../testing/devices.js";
import { startPlatformIdentity, type PlatformIdentity } from "../testing/index.js";

const DESIRED_STREAM = `KV_${BUCKET_DESIRED_STATE}`;
const suffix = randomBytes(3).toString("hex");

let connection: PlatformConnection;
let admin: NatsConnection;
let desired: KV;
let status: KV;
let identity: PlatformIdentity;
let devices: DeviceClient;
let a: TestDevice;
let b: TestDevice;
const cleanups: (() => Promise<void>)[] = [];
const opened: NatsConnection[] = [];

const entryOf = (device: TestDevice): string => `${device.deviceId}.default.web`;

async function tokenOf(device: TestDevice): Promise<string> {
  return (await accessToken(device.credentials, device.credentials)).value;
}

async function asDevice(device: TestDevice, token?: string): Promise<NatsConnection> {
  const nc = await connectAsDevice(connection, device.deviceId, token ?? (await tokenOf(device)));
  opened.push(nc);
  return nc;
}

async function provision(name: string): Promise<TestDevice> {
  const device = await provisionTestDevice(`id-${name}-${suffix}`);
  cleanups.push(() => device.cleanup());
  return device;
}

/** The service's identity_callout_total for one kind, result and reason, from /metrics. */
async function callouts(kind: string, result: string, reason: string): Promise<number> {
  const port = identity.service.httpPort ?? 0;
  const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) =>
      l.startsWith(`identity_callout_total{kind="${kind}",result="${result}",reason="${reason}"}`),
    );
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

/** Runs `attempt`, which must be refused, and checks the service counted `reason`. */
async function refusedFor(
  reason: string,
  attempt: () => Promise<unknown>,
  kind = "device",
): Promise<void> {
  const before = await callouts(kind, "refused", reason);
  await expect(attempt()).rejects.toThrow(/authoriz/i);
  expect(await callouts(kind, "refused", reason)).toBe(before + 1);
}

beforeAll(async () => {
  connection = await platformConnection();
  const kubeConfig = await kubeConfigFor("admin");
  await installDeviceCrd(kubeConfig);
  devices = DeviceClient.forKubeConfig(kubeConfig);
  admin = await connectAsAdmin({ connection });
  desired = await new Kvm(admin).create(BUCKET_DESIRED_STATE);
  status = await new Kvm(admin).create(BUCKET_AGENT_STATUS);
  identity = await startPlatformIdentity({ connection, httpPort: 0 });
  [a, b] = await Promise.all([provision("a"), provision("b")]);
  await desired.put(entryOf(a), "desired for a");
  await desired.put(entryOf(b), "desired for b");
});

afterEach(async () => {
  for (const nc of opened.splice(0)) await nc.close().catch(() => undefined);
});

afterAll(async () => {
  await identity.stop();
  for (const device of [a, b]) await desired.purge(entryOf(device)).catch(() => undefined);
  await status.purge(agentStatusKey(a.deviceId)).catch(() => undefined);
  for (const cleanup of cleanups) await cleanup();
  await admin.close();
});

describe("device credentials - what a device may do", () => {
  it("device A gets and watches its own keys, and writes its own status", async () => {
    const nc = await asDevice(a);
    const kv = await new Kvm(nc).open(BUCKET_DESIRED_STATE, { allow_direct: true });
    expect((await kv.get(entryOf(a)))?.string()).toBe("desired for a");
    const watch = await kv.watch({ key: `${a.deviceId}.>` });
    for await (const entry of watch) {
      expect(entry.key).toBe(entryOf(a));
      expect(entry.string()).toBe("desired for a");
      break;
    }
    const statusKv = await new Kvm(nc).open(BUCKET_AGENT_STATUS);
    const heartbeat = {
      deviceId: a.deviceId,
      agentVersion: "identity-it",
      lastHeartbeatAt: new Date().toISOString(),
    };
    await statusKv.put(agentStatusKey(a.deviceId), encodeAgentStatus(heartbeat));
    const stored = await status.get(agentStatusKey(a.deviceId));
    expect(decodeAgentStatus(stored?.value ?? new Uint8Array()).deviceId).toBe(a.deviceId);
  });

  it("device A is refused another device's keys: get B.*, watch B.>, an unfiltered watch, keys", async () => {
    const nc = await asDevice(a);
    const kv = await new Kvm(nc).open(BUCKET_DESIRED_STATE, { allow_direct: true });
    await expect(kv.get(entryOf(b))).rejects.toThrow(/permission/i);
    await expect(kv.watch({ key: `${b.deviceId}.>` })).rejects.toThrow(/permission/i);
    await expect(kv.watch()).rejects.toThrow(/permission/i);
    await expect(kv.keys()).rejects.toThrow(/permission/i);
  });

  it("device A is refused the raw STREAM.MSG.GET on KV_desired-state, even for its own key", async () => {
    const nc = await asDevice(a);
    for (const device of [b, a]) {
      const request = { last_by_subj: `$KV.${BUCKET_DESIRED_STATE}.${entryOf(device)}` };
      await expect(
        nc.request(`$JS.API.STREAM.MSG.GET.${DESIRED_STREAM}`, JSON.stringify(request), {
          timeout: 5000,
        }),
      ).rejects.toThrow(/permission/i);
    }
  });

  it("device A cannot put status.B, nor write desired state", async () => {
    const nc = await asDevice(a);
    const statusKv = await new Kvm(nc).open(BUCKET_AGENT_STATUS);
    const forged = encodeAgentStatus({
      deviceId: b.deviceId,
      agentVersion: "forged",
      lastHeartbeatAt: new Date().toISOString(),
    });
    await expect(statusKv.put(agentStatusKey(b.deviceId), forged)).rejects.toThrow(/permission/i);
    expect(await status.get(agentStatusKey(b.deviceId))).toBeNull();
    const kv = await new Kvm(nc).open(BUCKET_DESIRED_STATE, { allow_direct: true });
    await expect(kv.put(entryOf(a), "self-granted")).rejects.toThrow(/permission/i);
    expect((await desired.get(entryOf(a)))?.string()).toBe("desired for a");
  });

  it("device A cannot create a bucket, nor a durable consumer on B's keys or by the durable API", async () => {
    const nc = await asDevice(a);
    const bucket = `identity-it-${suffix}`;
    await expect(new Kvm(nc).create(bucket)).rejects.toThrow(/permission/i);
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    const durable = `identity-it-${suffix}`;
    await expect(
      jsm.consumers.add(DESIRED_STREAM, {
        durable_name: durable,
        filter_subject: `$KV.${BUCKET_DESIRED_STATE}.${b.deviceId}.>`,
      }),
    ).rejects.toThrow(/permission/i);
    await expect(
      nc.request(
        `$JS.API.CONSUMER.DURABLE.CREATE.${DESIRED_STREAM}.${durable}`,
        JSON.stringify({ stream_name: DESIRED_STREAM, config: { durable_name: durable } }),
        { timeout: 5000 },
      ),
    ).rejects.toThrow(/permission/i);
    const adminJsm = await jetstreamManager(admin);
    const names: string[] = [];
    for await (const info of adminJsm.consumers.list(DESIRED_STREAM)) names.push(info.name);
    expect(names).not.toContain(durable);
    await expect(adminJsm.streams.info(`KV_${bucket}`)).rejects.toThrow(/not found/i);
  });
});

describe("device credentials - refused connections", () => {
  it("an assertion for B signed with A's key gets no token from the IdP", async () => {
    const forged = { ...a.credentials, userId: b.credentials.userId };
    const error = await accessToken(a.credentials, forged).catch((e: unknown) => e);
    expect(isZitadelTokenError(error)).toBe(true);
  });

  it("refuses a token signed by another key under the IdP's key id", async () => {
    const forged = await forgedAccessToken(connection, a.credentials.userId);
    await refusedFor("token-signature", () => asDevice(a, forged));
  });

  it("refuses an expired token", async () => {
    const short = await provision("short");
    const idp = (await platformZitadel()).management;
    await idp.setMetadata(short.credentials.userId, LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY, "1");
    const token = await accessToken(short.credentials, short.credentials);
    await waitUntil(() => Promise.resolve(Date.now() > token.expiresAt.getTime() + 1000), {
      what: "the one-second token to expire",
      timeoutMs: 10_000,
    });
    await refusedFor("token-expired", () => asDevice(short, token.value));
  });

  it("refuses a token for another audience (not the project's)", async () => {
    const token = await accessToken(a.credentials, a.credentials, ["openid"]);
    await refusedFor("wrong-audience", () => asDevice(a, token.value));
  });

  it("refuses a disabled device, and one the registry does not know", async () => {
    const off = await provision("off");
    await devices.patchSpec(off.deviceId, { disabled: true });
    await refusedFor("device-disabled", () => asDevice(off));
    const ghost = await provision("ghost");
    await devices.delete(ghost.deviceId);
    await refusedFor("device-unknown", () => asDevice(ghost));
  });

  it("refuses a client without a token, and a token of an unknown issuer", async () => {
    await refusedFor("no-token", () => connectAsDevice(connection, a.deviceId, ""), "unknown");
    const { privateKey } = generateKeyPairSync("ed25519");
    const stranger = await new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer("https://someone-else.example.com")
      .setSubject(a.credentials.userId)
      .sign(privateKey);
    await refusedFor("unknown-token", () => asDevice(a, stranger), "unknown");
  });
});

describe("device credentials - revocation", () => {
  it("a device disabled while connected is disconnected within 2 s, and cannot come back", async () => {
    const device = await provision("revoked");
    const token = await tokenOf(device);
    const nc = await asDevice(device, token);
    const closed = nc.closed();
    await devices.patchSpec(device.deviceId, { disabled: true });
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      delay(2000).then(() => "still open"),
    ]);
    expect(outcome).toBe("closed");
    await expect(asDevice(device, token)).rejects.toThrow(/authoriz/i);
  });

  it("a device removed from the registry while connected is disconnected too", async () => {
    const device = await provision("removed");
    const nc = await asDevice(device);
    const closed = nc.closed();
    await devices.delete(device.deviceId);
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      delay(2000).then(() => "still open"),
    ]);
    expect(outcome).toBe("closed");
  });
});
