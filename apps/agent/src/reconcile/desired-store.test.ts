import { encodeDesiredState } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { DesiredStore, decodeDesired } from "./desired-store.js";

const KEY = "pi-1.demo.web";
const entry = (
  name = "web",
  generation = 1,
  { revision, image = "localhost/fleet-nginx:1.0" }: { revision?: number; image?: string } = {},
): Uint8Array =>
  encodeDesiredState({
    schemaVersion: 1,
    deployment: { namespace: "demo", name, uid: "u1", generation },
    ...(revision === undefined ? {} : { revision }),
    score: { PodmanV0: { services: [{ name: "nginx", image }] } },
  });
const workloadOf = (bytes: Uint8Array): string => {
  const desired = decodeDesired(KEY, bytes);
  if (desired.kind !== "valid") throw new Error(desired.error);
  return desired.workloadHash;
};
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe("desired store - decoding", () => {
  it("desired store - decodes a valid payload and hashes its exact bytes", () => {
    const a = decodeDesired(KEY, entry());
    const b = decodeDesired(KEY, entry("web", 2));
    expect(a.kind).toBe("valid");
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toBe(b.hash);
    expect(decodeDesired(KEY, entry()).hash).toBe(a.hash);
  });

  it("desired store - carries the entry's revision, none for an entry without one", () => {
    expect(decodeDesired(KEY, entry("web", 4, { revision: 3 })).revision).toBe(3);
    expect(decodeDesired(KEY, entry()).revision).toBeUndefined();
  });

  it("desired store - the workload hash ignores revision and generation, and follows the score", () => {
    const first = entry("web", 1, { revision: 1 });
    const renumbered = entry("web", 5, { revision: 2 });
    expect(decodeDesired(KEY, renumbered).hash).not.toBe(decodeDesired(KEY, first).hash);
    expect(workloadOf(renumbered)).toBe(workloadOf(first));
    // An entry from before revisions runs the same workload as its first revision.
    expect(workloadOf(entry("web", 1))).toBe(workloadOf(first));
    const upgraded = entry("web", 5, { revision: 2, image: "localhost/fleet-nginx:1.1" });
    expect(workloadOf(upgraded)).not.toBe(workloadOf(first));
  });

  it("desired store - an unusable payload still says its revision when that field is sound", () => {
    const unknownKind = decodeDesired(
      KEY,
      text(
        JSON.stringify({
          schemaVersion: 1,
          deployment: { namespace: "demo", name: "web", uid: "u", generation: 3 },
          revision: 2,
          score: { NextKind: {} },
        }),
      ),
    );
    expect(unknownKind).toMatchObject({ kind: "invalid", revision: 2 });
    expect(decodeDesired(KEY, entry("other", 1, { revision: 6 }))).toMatchObject({
      kind: "invalid",
      revision: 6,
    });
    expect(decodeDesired(KEY, text('{"revision":0}')).revision).toBeUndefined();
    expect(decodeDesired(KEY, text("{nope")).revision).toBeUndefined();
  });

  it("desired store - keeps a broken payload as invalid with an error naming the field", () => {
    const notJson = decodeDesired(KEY, text("{nope"));
    expect(notJson).toMatchObject({ kind: "invalid" });
    expect(notJson.kind === "invalid" && notJson.error).toMatch(
      /^invalid desired-state payload: not JSON/,
    );
    const badField = decodeDesired(
      KEY,
      text(
        JSON.stringify({
          schemaVersion: 1,
          deployment: { namespace: "demo", name: "web", uid: "u", generation: 1 },
          score: { PodmanV0: { services: [] } },
        }),
      ),
    );
    expect(badField.kind === "invalid" && badField.error).toContain(
      "score.PodmanV0.services: must list at least one service",
    );
  });

  it("desired store - rejects a payload whose deployment does not match its key", () => {
    const mismatch = decodeDesired(KEY, entry("other"));
    expect(mismatch.kind === "invalid" && mismatch.error).toBe(
      "payload names deployment demo/other but its key pi-1.demo.web is for demo/web",
    );
  });
});

describe("desired store - snapshots", () => {
  it("desired store - is not synced until a first snapshot completes", () => {
    const store = new DesiredStore();
    store.beginSnapshot();
    store.put(KEY, entry());
    expect(store.synced).toBe(false);
    expect(store.completeSnapshot()).toEqual([]);
    expect(store.synced).toBe(true);
  });

  it("desired store - a new snapshot drops keys the KV no longer has", () => {
    const store = new DesiredStore();
    store.beginSnapshot();
    store.put(KEY, entry());
    store.put("pi-1.demo.api", entry("api"));
    store.completeSnapshot();
    store.beginSnapshot();
    store.put(KEY, entry());
    expect(store.completeSnapshot()).toEqual(["pi-1.demo.api"]);
    expect(store.keys()).toEqual([KEY]);
  });

  it("desired store - deletes outside a snapshot apply at once", () => {
    const store = new DesiredStore();
    store.put(KEY, entry());
    store.delete(KEY);
    expect(store.get(KEY)).toBeUndefined();
  });
});
