// Toxiproxy as the fault suite uses it: a device link in front of the real
// nats-server passes NATS traffic, and each fault it injects does what the
// scenarios rely on (a cut closes the connection, a blackhole keeps TCP open
// but passes nothing, latency slows every round trip).
import { randomBytes } from "node:crypto";
import type { NatsConnection, Status } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAsAdmin } from "./nats-clients.js";
import { connectionFor } from "./connection.js";
import { readPlatformEnv } from "./env.js";
import { layoutFor } from "./layout.js";
import { startServer, stopServer } from "./platform.js";
import { acceptsConnections } from "./ports.js";
import { runningProcess } from "./processes.js";
import { silentProgress } from "./progress.js";
import { createDeviceLink, type DeviceLink } from "./testing/toxiproxy-links.js";
import { waitUntil } from "./wait.js";

// The default platform does not run Toxiproxy: this layout asks for it.
const layout = layoutFor({ ...readPlatformEnv(), FLEET_TOXIPROXY: true });

describe("toxiproxy - a device link in front of nats-server", () => {
  let startedHere = false;
  let link: DeviceLink | undefined;
  let nc: NatsConnection | undefined;
  const events: Status["type"][] = [];

  beforeAll(async () => {
    // Started here unless it runs already (then it is left running).
    startedHere = (await runningProcess(layout, "toxiproxy")) === undefined;
    await startServer(layout, "toxiproxy", silentProgress);
  });

  afterAll(async () => {
    await nc?.close();
    await link?.remove();
    if (startedHere) await stopServer(layout, "toxiproxy");
  });

  const seen = (type: Status["type"]): Promise<void> =>
    waitUntil(() => Promise.resolve(events.includes(type)), {
      what: `a "${type}" status of the client`,
      timeoutMs: 20_000,
      intervalMs: 20,
    });

  it("passes NATS traffic; a cut, a blackhole and added latency do what fault scenarios rely on", async () => {
    const { natsUrl } = await connectionFor(layout);
    const proxied = await createDeviceLink(`it-link-${randomBytes(3).toString("hex")}`, [natsUrl]);
    link = proxied;
    const client = await connectAsAdmin({
      servers: proxied.urls,
      // Only through the link, however many servers NATS advertises.
      ignoreClusterUpdates: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
      timeout: 2_000,
      // Short pings: the blackhole below is noticed through them alone.
      pingInterval: 500,
      maxPingOut: 2,
    });
    nc = client;
    void (async () => {
      for await (const status of client.status()) events.push(status.type);
    })();

    // Traffic passes, and it passes the proxy: the client is connected to the link's address.
    expect(client.getServer()).toBe(proxied.urls[0]?.replace("nats://", ""));
    const sub = client.subscribe("it.link.echo", { max: 1 });
    void (async () => {
      for await (const m of sub) m.respond(m.data);
    })();
    expect((await client.request("it.link.echo", "hello")).string()).toBe("hello");

    // Cut: the connection is closed at once and reconnecting is refused until the link is back.
    await proxied.cut();
    await seen("disconnect");
    expect(await acceptsConnections(Number(new URL(proxied.urls[0] ?? "").port))).toBe(false);
    await proxied.restore();
    await seen("reconnect");
    await client.flush();

    // Blackhole: no byte passes, yet TCP stays open, so only the client's pings notice.
    events.length = 0;
    await proxied.blackhole();
    await expect(client.request("it.link.nobody", "x", { timeout: 300 })).rejects.toThrow();
    expect(events).not.toContain("disconnect");
    await seen("staleConnection");
    await seen("disconnect");
    await proxied.heal();
    await seen("reconnect");
    await client.flush();

    // Latency in each direction: a round trip takes at least twice the toxic's delay.
    await proxied.slow(150);
    expect(await client.rtt()).toBeGreaterThanOrEqual(300);
    await proxied.heal();
  });
});
