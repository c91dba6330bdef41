// The publisher's coalescing is a pure unit of logic; the KV here is a
// recording stand-in with a put() that resolves when the test says so. The
// real bucket is exercised by the integration tests.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_STATUS_MAX_BYTES, decodeAgentStatus, desiredStateKey } from "@fleet/contracts";
import type { KV } from "@nats-io/kv";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { EventRing } from "./event-ring.js";
import { InventoryTracker } from "./inventory.js";
import { StatusPublisher } from "./publisher.js";
import { StatusBook } from "./status-book.js";

const logger = pino({ level: "silent" });

async function setup(connected: () => boolean) {
  const dir = await mkdtemp(join(tmpdir(), "publisher-"));
  const puts: { key: string; bytes: Uint8Array; release: () => void }[] = [];
  const kv = {
    put: (key: string, bytes: Uint8Array) =>
      new Promise<number>((resolve) => {
        puts.push({
          key,
          bytes,
          release: () => {
            resolve(puts.length);
          },
        });
      }),
  } as unknown as KV;
  const book = new StatusBook(() => undefined);
  const ring = await EventRing.load(dir, logger, () => undefined);
  const inventory = new InventoryTracker(dir, logger);
  await inventory.refresh();
  const publisher = new StatusPublisher({
    device: "pi-1",
    book,
    ring,
    inventory,
    periodMs: 60_000,
    logger,
    bucket: () => (connected() ? kv : undefined),
  });
  return { puts, book, ring, publisher };
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("status publisher - coalescing", () => {
  it("status publisher - requests during a put collapse into one more put with the latest state", async () => {
    const { puts, book, publisher } = await setup(() => true);
    publisher.request();
    book.set("pi-1.demo.web", { phase: "Pending" });
    publisher.request();
    book.set("pi-1.demo.web", { phase: "Running" });
    publisher.request();
    expect(puts).toHaveLength(1);
    puts[0]?.release();
    await flushMicrotasks();
    expect(puts).toHaveLength(2);
    puts[1]?.release();
    await flushMicrotasks();
    expect(puts).toHaveLength(2);
    const last = decodeAgentStatus(puts[1]?.bytes ?? new Uint8Array());
    expect(last.deployments["pi-1.demo.web"]?.phase).toBe("Running");
    expect(puts[1]?.key).toBe("status.pi-1");
  });

  it("status publisher - every heartbeat carries the inventory", async () => {
    const { puts, publisher } = await setup(() => true);
    const done = publisher.flush();
    puts[0]?.release();
    await done;
    const status = decodeAgentStatus(puts[0]?.bytes ?? new Uint8Array());
    expect(status.inventory?.cpuCores).toBeGreaterThan(0);
    expect(status.inventory?.agentVersion).toBe(status.agentVersion);
  });

  it("status publisher - publishes nothing while disconnected", async () => {
    let connected = false;
    const { puts, publisher } = await setup(() => connected);
    await publisher.flush();
    expect(puts).toHaveLength(0);
    connected = true;
    publisher.request();
    expect(puts).toHaveLength(1);
  });

  it("status publisher - a heartbeat stays within AGENT_STATUS_MAX_BYTES whatever the errors are, phases and revisions kept", async () => {
    const { puts, book, ring, publisher } = await setup(() => true);
    // 600 KB image references in every error and event; control characters
    // cost six bytes each in JSON, the worst case.
    const huge = `cannot pull image "registry.example.com/${"\u0001".repeat(600_000)}"`;
    const keys = Array.from({ length: 200 }, (_, i) =>
      desiredStateKey({ device: "pi-1", namespace: "demo", name: `app-${i}` }),
    );
    keys.forEach((key, i) => {
      book.set(key, {
        phase: i % 2 === 0 ? "Failed" : "Running",
        revision: i + 1,
        lastError: huge,
      });
    });
    for (let i = 0; i < 60; i++)
      ring.record({ severity: "Error", message: huge, deployment: keys[0] });
    const done = publisher.flush();
    puts[0]?.release();
    await done;
    const bytes = puts[0]?.bytes ?? new Uint8Array();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.length).toBeLessThanOrEqual(AGENT_STATUS_MAX_BYTES);
    const status = decodeAgentStatus(bytes);
    expect(status.deviceId).toBe("pi-1");
    keys.forEach((key, i) => {
      expect(status.deployments[key]?.phase).toBe(i % 2 === 0 ? "Failed" : "Running");
      expect(status.deployments[key]?.revision).toBe(i + 1);
    });
  });
});
