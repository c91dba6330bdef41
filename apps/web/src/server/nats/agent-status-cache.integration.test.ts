// The server's agent-status cache against the real nats-server: it believes a
// heartbeat's KEY, not its payload, and it survives NATS closing its connection
// for good (kicked, then refused: its credential was revoked), reporting why
// while it is down and coming back on a fresh connection.
import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUCKET_AGENT_STATUS, agentStatusKey, encodeAgentStatus } from "@fleet/contracts";
import {
  connectAsAdmin,
  kickConnections,
  platformConnection,
  unknownCredentials,
  waitUntil,
} from "@fleet/local-platform/testing";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentStatusCache } from "./agent-status-cache";

const suffix = randomBytes(3).toString("hex");
const device = (name: string): string => `cache-it-${name}-${suffix}`;
const name = `fleet-web-it-${suffix}`;
let service: NatsConnection;
let kv: KV;
let cache: AgentStatusCache;
let dir: string;
let credentials: string;
let validCredentials: string;
const written: string[] = [];

async function put(key: string, deviceId: string, agentVersion = "cache-it"): Promise<void> {
  written.push(key);
  await kv.put(
    key,
    encodeAgentStatus({ deviceId, agentVersion, lastHeartbeatAt: new Date().toISOString() }),
  );
}

const seen =
  (deviceId: string, agentVersion = "cache-it") =>
  async (): Promise<boolean> =>
    (await cache.get(deviceId))?.status.agentVersion === agentVersion;

beforeAll(async () => {
  const connection = await platformConnection();
  service = await connectAsAdmin({ connection });
  kv = await new Kvm(service).create(BUCKET_AGENT_STATUS);
  // A copy of the dashboard's own (read-only) credential, so the test can revoke it.
  dir = await mkdtemp(join(tmpdir(), "cache-it-"));
  credentials = join(dir, "dashboard.creds");
  validCredentials = join(dir, "valid.creds");
  await copyFile(connection.natsSecrets.dashboardCreds, validCredentials);
  await copyFile(validCredentials, credentials);
  await chmod(credentials, 0o600);
  cache = new AgentStatusCache(
    { servers: [connection.natsUrl], credentialsFile: credentials, name },
    pino({ level: "silent" }),
  ).start();
  await waitUntil(() => Promise.resolve(cache.health().up), {
    what: "agent-status cache watching",
    timeoutMs: 10_000,
  });
});

afterAll(async () => {
  await cache.stop();
  for (const key of written) await kv.purge(key).catch(() => undefined);
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

describe("agent-status cache - the key names the device", () => {
  it("a put to status.a claiming deviceId b overwrites neither a nor b", async () => {
    const [a, b, barrier] = [device("a"), device("b"), device("barrier")];
    await put(agentStatusKey(b), b, "real");
    await waitUntil(seen(b, "real"), { what: "device b's own heartbeat", timeoutMs: 10_000 });
    await put(agentStatusKey(a), b, "forged");
    // Entries arrive in order: once the next one is in, the forged one was handled.
    await put(agentStatusKey(barrier), barrier);
    await waitUntil(seen(barrier), { what: "the barrier heartbeat", timeoutMs: 10_000 });
    expect((await cache.get(b))?.status.agentVersion).toBe("real");
    expect(await cache.get(a)).toBeUndefined();
  });
});

describe("agent-status cache - NATS closes its connection for good", () => {
  it("reports why while down, then recovers on a fresh connection that re-opens the watch", async () => {
    const before = device("before");
    await put(agentStatusKey(before), before);
    await waitUntil(seen(before), { what: "a heartbeat before the outage", timeoutMs: 10_000 });

    // Revoked: the server no longer knows the credential the cache reconnects with.
    await writeFile(credentials, await unknownCredentials(), { mode: 0o600 });
    expect(await kickConnections(name)).toBe(1);
    await waitUntil(() => Promise.resolve(/closed/.test(cache.health().reason)), {
      what: "the cache saying its connection was closed",
      timeoutMs: 30_000,
      hint: `health: ${JSON.stringify(cache.health())}`,
    });
    expect(cache.health().up).toBe(false);

    const during = device("during");
    await put(agentStatusKey(during), during);
    await copyFile(validCredentials, credentials);
    await waitUntil(() => Promise.resolve(cache.health().up), {
      what: "the cache up again",
      timeoutMs: 30_000,
      hint: `health: ${JSON.stringify(cache.health())}`,
    });
    // The fresh watch replays what was put while it was down, then follows new puts.
    await waitUntil(seen(during), {
      what: "the heartbeat put during the outage",
      timeoutMs: 10_000,
    });
    const after = device("after");
    await put(agentStatusKey(after), after);
    await waitUntil(seen(after), { what: "a heartbeat after recovery", timeoutMs: 10_000 });
  });
});
