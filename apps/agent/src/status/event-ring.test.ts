import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIP_MARK, MESSAGE_MAX_LENGTH, RECENT_EVENTS_LIMIT } from "@fleet/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { EVENT_RING_FILE, EventRing } from "./event-ring.js";

const logger = pino({ level: "silent" });
const noop = (): void => undefined;

/** Waits until no save is pending, including saves the ring queued for its own events. */
async function settled(ring: EventRing): Promise<void> {
  for (;;) {
    const pending = ring.flushed();
    await pending;
    if (ring.flushed() === pending) return;
  }
}

describe("event ring - persistence", () => {
  it("event ring - survives a restart: what was recorded is loaded again", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ring-"));
    const ring = await EventRing.load(dir, logger, noop);
    ring.record({ severity: "Info", message: "deployed", deployment: "pi-1.demo.web" });
    ring.record({
      severity: "Error",
      message: "exited with code 137 (SIGKILL)",
      deployment: "pi-1.demo.web",
    });
    await ring.flushed();
    const again = await EventRing.load(dir, logger, noop);
    expect(again.events.map((e) => [e.severity, e.message])).toEqual([
      ["Info", "deployed"],
      ["Error", "exited with code 137 (SIGKILL)"],
    ]);
    // Written by rename: no temp file is left behind.
    expect(await readdir(dir)).toEqual([EVENT_RING_FILE]);
  });

  it("event ring - keeps only the most recent events", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ring-"));
    const ring = await EventRing.load(dir, logger, noop);
    for (let i = 0; i < RECENT_EVENTS_LIMIT + 5; i += 1)
      ring.record({ severity: "Info", message: `event ${i}` });
    await ring.flushed();
    expect(ring.events).toHaveLength(RECENT_EVENTS_LIMIT);
    expect(ring.events[0]?.message).toBe("event 5");
    const saved = JSON.parse(await readFile(join(dir, EVENT_RING_FILE), "utf8")) as unknown[];
    expect(saved).toHaveLength(RECENT_EVENTS_LIMIT);
  });

  it("event ring - a corrupt file starts an empty ring instead of failing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ring-"));
    await writeFile(join(dir, EVENT_RING_FILE), "[{not json");
    const ring = await EventRing.load(dir, logger, noop);
    expect(ring.events).toEqual([]);
  });

  it("event ring - tells its owner about every new event", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ring-"));
    let changes = 0;
    const ring = await EventRing.load(dir, logger, () => (changes += 1));
    ring.record({ severity: "Warning", message: "restarted" });
    await ring.flushed();
    expect(changes).toBe(1);
  });

  it("event ring - clips a huge message where it is recorded, and an old file's on load", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ring-"));
    const huge = `cannot pull image "${"a".repeat(600_000)}"`;
    const ring = await EventRing.load(dir, logger, noop);
    const entry = ring.record({ severity: "Error", message: huge });
    expect(entry.message).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(entry.message.endsWith(CLIP_MARK)).toBe(true);
    await ring.flushed();
    // A ring saved by an older agent, before clipping existed.
    const old = [{ at: "2026-01-01T00:00:00Z", severity: "Error", message: huge }];
    await writeFile(join(dir, EVENT_RING_FILE), JSON.stringify(old));
    const again = await EventRing.load(dir, logger, noop);
    expect(again.events[0]?.message).toHaveLength(MESSAGE_MAX_LENGTH);
  });
  it("event ring - a data dir it cannot write to is said once in the ring, and again once it is writable", async () => {
    const base = await mkdtemp(join(tmpdir(), "ring-"));
    // Not there yet: every save fails, as on a full or read-only disk.
    const dir = join(base, "data");
    const ring = await EventRing.load(dir, logger, noop);
    ring.record({ severity: "Info", message: "deployed" });
    ring.record({ severity: "Info", message: "upgraded" });
    await settled(ring);
    expect(ring.events.map((e) => e.severity)).toEqual(["Info", "Info", "Warning"]);
    expect(ring.events[2]?.message).toMatch(/^cannot write to the data dir .*data \(ENOENT/);

    await mkdir(dir);
    ring.record({ severity: "Info", message: "restarted" });
    await settled(ring);
    expect(ring.events.at(-1)?.message).toMatch(/data dir .* is writable again/);
    // The whole ring is saved, what was recorded while it could not be included.
    const saved = JSON.parse(await readFile(join(dir, EVENT_RING_FILE), "utf8")) as unknown[];
    expect(saved).toHaveLength(5);
    expect(await readdir(dir)).toEqual([EVENT_RING_FILE]);
  });
});
