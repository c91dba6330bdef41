// The reconciler's bookkeeping of phases and revisions, over a fake runtime of
// the agent's own seam (ScoreRuntime): it keeps one mark per key, as PodmanV0
// keeps a label on each container, and counts what it (re)creates. Real
// podman is exercised by the integration tests.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeDesiredState, scoreBody, type DeploymentReport } from "@fleet/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Runtimes } from "../runtime/runtimes.js";
import type { HeldWorkload, ScoreRuntime } from "../runtime/score-runtime.js";
import { EventRing } from "../status/event-ring.js";
import { StatusBook } from "../status/status-book.js";
import { DesiredStore } from "./desired-store.js";
import { Reconciler } from "./reconciler.js";

const KEY = "pi-1.demo.web";

const entry = (revision: number | undefined, generation: number, image: string): Uint8Array =>
  encodeDesiredState({
    schemaVersion: 1,
    deployment: { namespace: "demo", name: "web", uid: "u1", generation },
    ...(revision === undefined ? {} : { revision }),
    score: { PodmanV0: { services: [{ name: "nginx", image }] } },
  });

/** One key's workload: a mark like the payload-hash label, and how often it was (re)created. */
function fakeRuntime(): {
  runtime: ScoreRuntime<"PodmanV0">;
  created: () => number;
  unavailable: Set<string>;
} {
  let mark: string | undefined;
  let created = 0;
  const unavailable = new Set<string>();
  const held: HeldWorkload = {
    get names() {
      return mark === undefined ? [] : ["fleet_pi-1_demo_web_nginx"];
    },
    supervise: () => Promise.resolve([]),
    remove: () => {
      mark = undefined;
      return Promise.resolve();
    },
    converge: (desired, hooks) => {
      if (mark === desired.hash || mark === desired.bytesHash) return Promise.resolve([]);
      hooks.applying(["nginx"]);
      const [service] = scoreBody(desired.score, "PodmanV0").services;
      if (service !== undefined && unavailable.has(service.image)) {
        return Promise.reject(new Error(`image ${service.image} is not on this device`));
      }
      mark = desired.hash;
      created += 1;
      return Promise.resolve([]);
    },
  };
  const runtime: ScoreRuntime<"PodmanV0"> = {
    kind: "PodmanV0",
    held: () => Promise.resolve(held),
    heldKeys: () => Promise.resolve(mark === undefined ? [] : [KEY]),
    follow: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { runtime, created: () => created, unavailable };
}

async function setup() {
  const reports: DeploymentReport[] = [];
  const book: StatusBook = new StatusBook(() => {
    const report = book.get(KEY);
    if (report !== undefined) reports.push(report);
  });
  const dir = await mkdtemp(join(tmpdir(), "reconciler-"));
  const ring = await EventRing.load(dir, pino({ level: "silent" }), () => undefined);
  const store = new DesiredStore();
  store.beginSnapshot();
  store.completeSnapshot();
  const fake = fakeRuntime();
  const runtimes: Runtimes = { PodmanV0: fake.runtime };
  const reconciler = new Reconciler({ store, book, ring, runtimes });
  /** Puts `bytes` and reconciles as the worker would (a throw goes to `failed`). */
  const apply = async (bytes: Uint8Array): Promise<void> => {
    store.put(KEY, bytes);
    try {
      await reconciler.reconcile(KEY);
    } catch (error) {
      reconciler.failed(KEY, { error: String(error), attempt: 1, retryInMs: 2_000 });
    }
  };
  const phases = (): [string, number | undefined][] =>
    reports.splice(0).map((r) => [r.phase, r.revision]);
  return { apply, phases, created: fake.created, unavailable: fake.unavailable, book };
}

describe("reconciler - revisions", () => {
  it("reconciler - reports the revision of the entry each phase is about, on create and upgrade", async () => {
    const { apply, phases, created } = await setup();
    await apply(entry(1, 1, "localhost/fleet-nginx:1.0"));
    expect(phases()).toEqual([
      ["Pending", 1],
      ["Running", 1],
    ]);
    await apply(entry(2, 2, "localhost/fleet-nginx:1.1"));
    expect(phases()).toEqual([
      ["Pending", 2],
      ["Running", 2],
    ]);
    expect(created()).toBe(2);
  });

  it("reconciler - an entry that only renumbers keeps the workload and reports the new revision Running", async () => {
    const { apply, phases, created, book } = await setup();
    await apply(entry(1, 1, "localhost/fleet-nginx:1.0"));
    phases();
    await apply(entry(3, 4, "localhost/fleet-nginx:1.0"));
    expect(phases()).toEqual([["Running", 3]]);
    expect(created()).toBe(1);
    // An unchanged entry again is no change at all.
    await apply(entry(3, 4, "localhost/fleet-nginx:1.0"));
    expect(phases()).toEqual([]);
    expect(book.get(KEY)).toMatchObject({ phase: "Running", revision: 3 });
  });

  it("reconciler - a failed revision is reported Failed of that revision; an unusable one too", async () => {
    const { apply, phases, unavailable } = await setup();
    await apply(entry(1, 1, "localhost/fleet-nginx:1.0"));
    phases();
    unavailable.add("localhost/missing:1");
    await apply(entry(2, 2, "localhost/missing:1"));
    expect(phases()).toEqual([
      ["Pending", 2],
      ["Failed", 2],
    ]);
    const unknownKind = JSON.stringify({
      schemaVersion: 1,
      deployment: { namespace: "demo", name: "web", uid: "u1", generation: 3 },
      revision: 3,
      score: { NextKind: {} },
    });
    await apply(new TextEncoder().encode(unknownKind));
    expect(phases()).toEqual([["Failed", 3]]);
  });

  it("reconciler - an entry without a revision is reported without one", async () => {
    const { apply, book } = await setup();
    await apply(entry(undefined, 1, "localhost/fleet-nginx:1.0"));
    expect(book.get(KEY)?.phase).toBe("Running");
    expect(book.get(KEY)).not.toHaveProperty("revision");
  });
});
