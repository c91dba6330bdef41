// contracts' device permissions, as nats-server config, against a real
// nats-server with JetStream and the real KV client: a device reads and
// watches its own desired-state keys and writes its own heartbeat, and every
// other way into the buckets is refused. A server of its own, with one nkey
// user per device, so the permissions are tested apart from the auth callout
// that hands them out (apps/identity).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  DEFAULT_DEVICE_GRANTS,
  deviceInboxPrefix,
  devicePermissions,
} from "@fleet/contracts";
import { AckPolicy, DeliverPolicy, jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { createUser, type KeyPair } from "@nats-io/nkeys";
import {
  connect,
  nkeyAuthenticator,
  PermissionViolationError,
  type NatsConnection,
} from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverPermissions } from "./nats-server-permissions.js";
import { acceptsConnections } from "./ports.js";
import { freePort, platformConnection, waitUntil } from "./testing/index.js";

const A = "pi-a";
const B = "pi-b";
const keyOf = (device: string): string => `${device}.default.web`;

let dir: string;
let server: ChildProcess;
let url: string;
const keys: Record<"admin" | "a", KeyPair> = { admin: createUser(), a: createUser() };
let admin: NatsConnection;
let device: NatsConnection;
let desired: KV;

beforeAll(async () => {
  const { binDir } = await platformConnection();
  dir = await mkdtemp(join(tmpdir(), "device-permissions-"));
  const port = await freePort();
  url = `nats://127.0.0.1:${String(port)}`;
  const config = {
    listen: `127.0.0.1:${String(port)}`,
    jetstream: { store_dir: join(dir, "js") },
    authorization: {
      users: [
        { nkey: keys.admin.getPublicKey() },
        {
          nkey: keys.a.getPublicKey(),
          permissions: serverPermissions(devicePermissions(A, DEFAULT_DEVICE_GRANTS)),
        },
      ],
    },
  };
  await writeFile(join(dir, "nats.json"), JSON.stringify(config), { mode: 0o600 });
  server = spawn(join(binDir, "nats-server"), ["-c", join(dir, "nats.json")], { stdio: "ignore" });
  await waitUntil(() => acceptsConnections(port), { what: "test nats-server", timeoutMs: 20_000 });
  admin = await connect({ servers: url, authenticator: nkeyAuthenticator(keys.admin.getSeed()) });
  const kvm = new Kvm(admin);
  const adminDesired = await kvm.create(BUCKET_DESIRED_STATE, { history: 1 });
  await kvm.create(BUCKET_AGENT_STATUS, { history: 1 });
  await adminDesired.put(keyOf(A), "for a");
  await adminDesired.put(keyOf(B), "for b");
  device = await connect({
    servers: url,
    authenticator: nkeyAuthenticator(keys.a.getSeed()),
    inboxPrefix: deviceInboxPrefix(A),
  });
  // How a device opens the bucket: no STREAM.INFO (refused), direct gets on its own keys.
  desired = await new Kvm(device).open(BUCKET_DESIRED_STATE, { allow_direct: true });
});

afterAll(async () => {
  await device.close();
  await admin.close();
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("device permissions - what a device may do", () => {
  it("gets its own desired-state key", async () => {
    expect((await desired.get(keyOf(A)))?.string()).toBe("for a");
  });

  it("watches its own keys, and sees only those", async () => {
    const watch = await desired.watch({ key: `${A}.>` });
    const seen: string[] = [];
    const adminDesired = await new Kvm(admin).open(BUCKET_DESIRED_STATE);
    for await (const entry of watch) {
      seen.push(`${entry.key}=${entry.string()}`);
      if (seen.length === 1) {
        // B's put comes first: a watch that leaked it would see it before A's.
        await adminDesired.put(keyOf(B), "for b, again");
        await adminDesired.put(keyOf(A), "for a, again");
      } else break;
    }
    watch.stop();
    expect(seen).toStrictEqual([`${keyOf(A)}=for a`, `${keyOf(A)}=for a, again`]);
  });

  it("writes its own heartbeat", async () => {
    const status = await new Kvm(device).open(BUCKET_AGENT_STATUS);
    await status.put(`status.${A}`, "beat");
    const read = await (await new Kvm(admin).open(BUCKET_AGENT_STATUS)).get(`status.${A}`);
    expect(read?.string()).toBe("beat");
  });
});

describe("device permissions - everything else is refused", () => {
  const refused = /permission/i;

  it("get of another device's key", async () => {
    await expect(desired.get(keyOf(B))).rejects.toThrow(refused);
  });

  it("watch of another device's keys, an unfiltered watch, keys over the bucket", async () => {
    await expect(desired.watch({ key: `${B}.>` })).rejects.toThrow(refused);
    await expect(desired.watch()).rejects.toThrow(refused);
    await expect(desired.watch({ key: "*.default.web" })).rejects.toThrow(refused);
    await expect(desired.keys()).rejects.toThrow(refused);
  });

  it("raw STREAM.MSG.GET, STREAM.INFO and a direct get by sequence", async () => {
    const raw = device.request(
      `$JS.API.STREAM.MSG.GET.KV_${BUCKET_DESIRED_STATE}`,
      JSON.stringify({ last_by_subj: `$KV.${BUCKET_DESIRED_STATE}.${keyOf(B)}` }),
    );
    await expect(raw).rejects.toThrow(refused);
    // STREAM.INFO with subjects_filter would list every key of the bucket.
    await expect(desired.status()).rejects.toThrow(refused);
    await expect(desired.get(keyOf(A), { revision: 1 })).rejects.toThrow(refused);
  });

  it("a forged heartbeat for another device", async () => {
    const status = await new Kvm(device).open(BUCKET_AGENT_STATUS);
    await expect(status.put(`status.${B}`, "forged")).rejects.toThrow(refused);
    await expect(status.put(`status.${A}.x`, "forged")).rejects.toThrow(refused);
  });

  it("creating a bucket, a durable consumer, or writing desired state", async () => {
    await expect(new Kvm(device).create("device-made")).rejects.toThrow(refused);
    // The durable-consumer API. (The named create API, the one a watch needs, cannot tell a
    // durable from an ephemeral consumer by subject: docs/nats.md, "Known limits".)
    const durable = device.request(
      `$JS.API.CONSUMER.DURABLE.CREATE.KV_${BUCKET_DESIRED_STATE}.mine`,
      JSON.stringify({
        stream_name: `KV_${BUCKET_DESIRED_STATE}`,
        config: {
          durable_name: "mine",
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: `$KV.${BUCKET_DESIRED_STATE}.${A}.>`,
        },
      }),
    );
    await expect(durable).rejects.toThrow(refused);
    const jsm = await jetstreamManager(device, { checkAPI: false });
    await expect(jsm.streams.delete(`KV_${BUCKET_DESIRED_STATE}`)).rejects.toThrow(refused);
    await expect(desired.put(keyOf(A), "self-made")).rejects.toThrow(refused);
  });

  it("subscribing outside its own inbox", async () => {
    const sub = device.subscribe(`$KV.${BUCKET_DESIRED_STATE}.>`);
    await device.flush();
    expect(await sub.closed).toBeInstanceOf(PermissionViolationError);
  });
});
