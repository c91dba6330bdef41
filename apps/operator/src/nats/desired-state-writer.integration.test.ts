// The desired-state writer against the real nats-server: entries chosen per
// device (two revisions live at once during a rollout), only changed keys
// written, the ledger refilled from the bucket byte for byte, nothing read on
// the way, and no write once leadership is gone.
import { desiredStateKey, encodeDesiredState, type Score } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeadershipLostError } from "../errors.js";
import { createMetrics, type Metrics } from "../metrics.js";
import { Kv, runId } from "../testing/fixtures.js";
import {
  DesiredStateWriter,
  type DeploymentRef,
  type DesiredEntry,
} from "./desired-state-writer.js";

let kv: Kv;
const namespace = `writer-${runId}`;
const devices = ["d1", "d2", "d3"].map((d) => `${d}-${runId}`) as [string, string, string];
const [d1, d2, d3] = devices;

const score = (tag: string): Score => ({
  PodmanV0: { services: [{ name: "web", image: `localhost/fleet-nginx:${tag}`, ports: [] }] },
});

function entry(ref: DeploymentRef, revision: number, generation = revision): DesiredEntry {
  return {
    revision,
    payload: encodeDesiredState({
      schemaVersion: 1,
      deployment: { ...ref, generation },
      revision,
      score: score(`1.${revision}`),
    }),
  };
}

/** The stored bytes as text (payloads are JSON), for readable comparisons. */
const stored = async (device: string, name: string): Promise<string | undefined> => {
  const value = await kv.value(desiredStateKey({ device, namespace, name }));
  return value === undefined ? undefined : Buffer.from(value).toString();
};
const text = (e: DesiredEntry): string => Buffer.from(e.payload).toString();

const puts = async (metrics: Metrics): Promise<number> =>
  (await metrics.kvWrites.get()).values.find((v) => v.labels.op === "put")?.value ?? 0;

function writer(metrics = createMetrics(), canWrite = (): boolean => true): DesiredStateWriter {
  return new DesiredStateWriter(() => kv.desired, metrics, canWrite);
}

beforeAll(async () => {
  kv = await Kv.connect();
});

afterAll(async () => {
  await kv.cleanup([namespace]);
  await kv.close();
});

describe("DesiredStateWriter - against the real nats-server", () => {
  it("apply - each device gets the entry of its own revision; only devices that move are written again", async () => {
    const ref = { namespace, name: "per-device", uid: "u1" };
    const [r1, r2] = [entry(ref, 1), entry(ref, 2)];
    const metrics = createMetrics();
    const w = writer(metrics);

    expect(await w.apply(ref, devices, () => r1)).toEqual({ written: 3, unchanged: 0, removed: 0 });
    // Batch 1 (d1) moves to revision 2; the others keep revision 1 untouched.
    const batch1 = (device: string): DesiredEntry => (device === d1 ? r2 : r1);
    expect(await w.apply(ref, devices, batch1)).toEqual({ written: 1, unchanged: 2, removed: 0 });
    expect(await stored(d1, ref.name)).toBe(text(r2));
    expect(await stored(d2, ref.name)).toBe(text(r1));
    expect(w.held(namespace, ref.name, d1)).toBe(2);
    expect(w.held(namespace, ref.name, d2)).toBe(1);
    expect(await puts(metrics)).toBe(4);

    // Rolled back: d1 back on 1; d3 unplaced loses its entry.
    const rolledBack = (device: string): DesiredEntry | undefined =>
      device === d3 ? undefined : r1;
    expect(await w.apply(ref, devices, rolledBack)).toEqual({
      written: 1,
      unchanged: 1,
      removed: 1,
    });
    expect(await stored(d3, ref.name)).toBeUndefined();
    expect(w.held(namespace, ref.name, d3)).toBeUndefined();
  });

  it("refresh - a new writer learns which revision each device holds from the bytes in the bucket", async () => {
    const ref = { namespace, name: "refresh", uid: "u2" };
    const [r1, r2] = [entry(ref, 1), entry(ref, 2)];
    await writer().apply(ref, devices, (device) => (device === d2 ? r2 : r1));
    // Bytes of no known revision (an entry from before revisions, or another operator's).
    const legacy = encodeDesiredState({
      schemaVersion: 1,
      deployment: { ...ref, generation: 1 },
      score: score("1.1"),
    });
    await kv.desired.put(desiredStateKey({ device: d3, namespace, name: ref.name }), legacy);

    const metrics = createMetrics();
    const fresh = writer(metrics);
    await fresh.refresh(ref, [r1, r2]);
    expect(fresh.knows(namespace, ref.name, ref.uid)).toBe(true);
    expect(devices.map((d) => fresh.held(namespace, ref.name, d))).toEqual([1, 2, undefined]);
    // The stale entry is rewritten; the ones already right are not.
    expect(await fresh.apply(ref, devices, () => r2)).toEqual({
      written: 2,
      unchanged: 1,
      removed: 0,
    });
    expect(await puts(metrics)).toBe(2);
  });

  it("apply - a new CR under an old name rewrites what its predecessor wrote", async () => {
    const old = { namespace, name: "reborn", uid: "old" };
    const reborn = { namespace, name: "reborn", uid: "new" };
    const w = writer();
    await w.apply(old, [d1], () => entry(old, 1));
    expect(await w.apply(reborn, [d1], () => entry(reborn, 1))).toEqual({
      written: 1,
      unchanged: 0,
      removed: 0,
    });
    expect(await stored(d1, "reborn")).toBe(text(entry(reborn, 1)));
  });

  it("leadership - a writer that lost the Lease writes nothing", async () => {
    const ref = { namespace, name: "follower", uid: "u3" };
    const w = writer(createMetrics(), () => false);
    await expect(w.apply(ref, [d1], () => entry(ref, 1))).rejects.toBeInstanceOf(
      LeadershipLostError,
    );
    expect(await stored(d1, ref.name)).toBeUndefined();
  });
});
