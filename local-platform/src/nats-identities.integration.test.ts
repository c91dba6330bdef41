import { wsconnect, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformConnection } from "./testing/index.js";

describe("local platform - the dashboard's read-only NATS websocket user", () => {
  let service: NatsConnection;
  let viewer: NatsConnection;

  beforeAll(async () => {
    const connection = await platformConnection();
    service = await connect({ servers: connection.natsUrl });
    await new Kvm(service).create(BUCKET_AGENT_STATUS);
    await new Kvm(service).create(BUCKET_DESIRED_STATE);
    // Node 24 has a global WebSocket, so this is the browser's code path.
    viewer = await wsconnect({
      servers: connection.natsWebsocketUrl,
      user: connection.natsViewer.user,
      pass: connection.natsViewer.password,
    });
  });

  afterAll(async () => {
    await viewer.close();
    await service.close();
  });

  it("refuses a websocket client without credentials", async () => {
    const { natsWebsocketUrl } = await platformConnection();
    await expect(wsconnect({ servers: natsWebsocketUrl, reconnect: false })).rejects.toThrow(
      /authoriz/i,
    );
  });

  it("reads and watches agent-status", async () => {
    const key = `status.viewer-it-${Date.now().toString(36)}`;
    const kv = await new Kvm(viewer).open(BUCKET_AGENT_STATUS);
    const watch = await kv.watch({ key });
    const first = (async () => {
      for await (const entry of watch) return entry.string();
      return undefined;
    })();
    const serviceKv = await new Kvm(service).open(BUCKET_AGENT_STATUS);
    await serviceKv.put(key, "heartbeat");
    try {
      await expect(first).resolves.toBe("heartbeat");
      expect((await kv.get(key))?.string()).toBe("heartbeat");
    } finally {
      watch.stop();
      // Not a real heartbeat: leave nothing for the dashboard of a later demo to trip over.
      await serviceKv.purge(key);
    }
  });

  it("cannot write to agent-status", async () => {
    const kv = await new Kvm(viewer).open(BUCKET_AGENT_STATUS);
    await expect(kv.put("status.forged", "x")).rejects.toThrow(/permission/i);
  });

  it("cannot read desired-state or create a bucket", async () => {
    // open() may be lazy; the first read is what must be refused.
    const read = new Kvm(viewer)
      .open(BUCKET_DESIRED_STATE)
      .then((kv) => kv.get("pi-1.default.web"));
    await expect(read).rejects.toThrow(/permission/i);
    await expect(new Kvm(viewer).create("viewer-made-this")).rejects.toThrow(/permission/i);
  });
});
