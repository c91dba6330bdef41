import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAsAdmin, restartServer, waitUntil } from "./testing/index.js";

describe("local platform - NATS JetStream", () => {
  let nc: NatsConnection;
  const bucket = `it-wildcard-${Date.now()}`;

  beforeAll(async () => {
    nc = await connectAsAdmin();
  });

  afterAll(async () => {
    await new Kvm(nc)
      .open(bucket)
      .then((kv) => kv.destroy())
      .catch(() => undefined);
    await nc.close();
  });

  it("delivers a KV put to a wildcard watch on that key's prefix", async () => {
    const kv = await new Kvm(nc).create(bucket);
    const watch = await kv.watch({ key: "device-a.>" });
    // The first entry the watch yields: a broken filter would yield device-b's put first.
    const seen = (async () => {
      for await (const entry of watch) return { key: entry.key, value: entry.string() };
      return undefined;
    })();
    await kv.put("device-b.default.web", "not for device-a");
    await kv.put("device-a.default.web", "hello");
    await expect(seen).resolves.toEqual({ key: "device-a.default.web", value: "hello" });
    watch.stop();
  });

  it("keeps JetStream KV data across a nats-server restart", async () => {
    const kv = await new Kvm(nc).open(bucket);
    await kv.put("device-a.default.persisted", "still here");
    await restartServer("nats-server");
    // The client reconnects on its own (after its reconnect wait); until then requests time out.
    let value: string | undefined;
    await waitUntil(
      async () => {
        value = (await kv.get("device-a.default.persisted"))?.string();
        return value !== undefined;
      },
      { what: "KV get after the restart", timeoutMs: 30_000 },
    );
    expect(value).toBe("still here");
  });
});
