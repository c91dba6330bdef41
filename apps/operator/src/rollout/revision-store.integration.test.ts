// The revision store against the real kube-apiserver: ControllerRevisions are
// created, numbered, found again after a restart, cut to the history limit,
// and all removed with their CR.
import {
  API_GROUP_VERSION,
  decodeDesiredState,
  KIND,
  REVISION_DEPLOYMENT_LABEL,
  REVISION_HASH_LABEL,
  type Score,
} from "@fleet/contracts";
import { RevisionClient, revisionHashOf, revisionManifest } from "@fleet/kube";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { silentLogger } from "@fleet/runtime";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { LeadershipLostError } from "../errors.js";
import { RevisionStore, type RevisionSubject } from "./revision-store.js";

const runId = Date.now().toString(36);
let namespace: string;
let client: RevisionClient;
let apps: AppsV1Api;

const score = (tag: string): Score => ({
  PodmanV0: { services: [{ name: "web", image: `localhost/fleet-nginx:${tag}`, ports: [] }] },
});

function subject(name: string, tag: string, generation = 1, uid = `uid-${name}`): RevisionSubject {
  return { namespace, name, uid, generation, score: score(tag) };
}

const newStore = (options: { historyLimit?: number; canWrite?: () => boolean } = {}) =>
  new RevisionStore(client, silentLogger(), { canWrite: () => true, ...options });

const numbersIn = async (name: string): Promise<number[]> =>
  (await client.listOf(namespace, name)).map((r) => r.revision);

beforeAll(async () => {
  const kc = await kubeConfigFor("admin");
  namespace = `revisions-${runId}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  client = RevisionClient.forKubeConfig(kc);
  apps = kc.makeApiClient(AppsV1Api);
});

describe("RevisionStore - against the real API server", () => {
  it("revisions - a new score is the next number, stored as a ControllerRevision owned by the CR", async () => {
    const store = newStore();
    const first = await store.resolve(subject("web", "1.0"), []);
    expect(first.target.number).toBe(1);
    const second = await store.resolve(subject("web", "1.1", 2), []);
    expect(second.target.number).toBe(2);
    expect([...second.byNumber.keys()].sort()).toEqual([1, 2]);

    const hash = revisionHashOf(score("1.1"));
    expect(hash).toMatch(/^[0-9a-f]{10}$/);
    const stored = await apps.readNamespacedControllerRevision({
      namespace,
      name: `web-${hash}`,
    });
    expect(stored.revision).toBe(2);
    expect(stored.metadata?.labels).toEqual({
      [REVISION_DEPLOYMENT_LABEL]: "web",
      [REVISION_HASH_LABEL]: hash,
    });
    expect(stored.metadata?.ownerReferences).toEqual([
      { apiVersion: API_GROUP_VERSION, kind: KIND, name: "web", uid: "uid-web", controller: true },
    ]);
    expect(stored.data).toEqual({ score: score("1.1"), generation: 2 });

    // The entry devices get: the revision's own generation and number.
    const entry = decodeDesiredState(second.target.entry.payload);
    expect(entry).toMatchObject({
      revision: 2,
      deployment: { namespace, name: "web", uid: "uid-web", generation: 2 },
      score: score("1.1"),
    });
  });

  it("revisions - the stable score applied again keeps its number; a restarted store finds them all", async () => {
    const store = newStore();
    await store.resolve(subject("back", "1.0"), []);
    await store.resolve(subject("back", "1.1", 2), [1]);
    // Reverted to the stable revision (1): it keeps its number, so the revert completes at once.
    const reverted = await store.resolve(subject("back", "1.0", 3), [1, 2]);
    expect(reverted.target.number).toBe(1);
    // Its entry still carries the generation that made it: devices holding it are not rewritten.
    expect(decodeDesiredState(reverted.target.entry.payload).deployment.generation).toBe(1);
    expect(await numbersIn("back")).toEqual([1, 2]);

    const restarted = newStore();
    expect((await restarted.resolve(subject("back", "1.1", 4), [1, 2])).target.number).toBe(2);
    expect((await restarted.resolve(subject("back", "1.2", 5), [1, 2])).target.number).toBe(3);
  });

  it("revisions - an older score that is neither stable nor current comes back under a new number (stale commands cannot act on it)", async () => {
    const store = newStore();
    await store.resolve(subject("again", "1.0"), []);
    await store.resolve(subject("again", "bad"), [1]); // revision 2, say rolled back
    await store.resolve(subject("again", "1.1"), [1, 2]); // revision 3
    const retried = await store.resolve(subject("again", "bad"), [1, 3]);
    expect(retried.target.number).toBe(4);
    expect(decodeDesiredState(retried.target.entry.payload).revision).toBe(4);
    expect(retried.byNumber.has(2)).toBe(false);
    // Stored under its new number: a restarted store agrees.
    expect(await numbersIn("again")).toEqual([1, 3, 4]);
    const restarted = newStore();
    expect((await restarted.resolve(subject("again", "bad"), [1, 4])).target.number).toBe(4);
  });

  it("revisions - listed once per CR: a revision deleted behind the store's back is only noticed after invalidate", async () => {
    const store = newStore();
    const { target } = await store.resolve(subject("cached", "1.0"), []);
    await client.deleteIfPresent(namespace, target.name);
    // Still known from memory: no API call, no new revision.
    expect((await store.resolve(subject("cached", "1.0"), [])).target.number).toBe(1);
    expect(await numbersIn("cached")).toEqual([]);
    store.invalidate(namespace, "cached");
    expect((await store.resolve(subject("cached", "1.0"), [])).target.number).toBe(1);
    expect(await numbersIn("cached")).toEqual([1]);
  });

  it("history - keeps the newest within the limit, and never the stable revision", async () => {
    const store = newStore({ historyLimit: 3 });
    for (let i = 0; i < 6; i++) await store.resolve(subject("hist", `1.${i}`, i + 1), [2]);
    expect(await numbersIn("hist")).toEqual([2, 4, 5, 6]);
    expect([...(store.known(namespace, "hist")?.keys() ?? [])].sort()).toEqual([2, 4, 5, 6]);
  });

  it("removeAll - deletes every revision of the CR and leaves other CRs' alone", async () => {
    const store = newStore();
    await store.resolve(subject("gone", "1.0"), []);
    await store.resolve(subject("gone", "1.1", 2), []);
    await store.resolve(subject("stays", "1.0"), []);
    expect(await store.removeAll(namespace, "gone")).toBe(2);
    expect(await numbersIn("gone")).toEqual([]);
    expect(await numbersIn("stays")).toEqual([1]);
  });

  it("revisions - those of an earlier CR of the same name are removed and numbering starts again", async () => {
    const store = newStore();
    await store.resolve(subject("again", "1.0", 1, "uid-old"), []);
    await store.resolve(subject("again", "1.1", 2, "uid-old"), []);
    const fresh = newStore();
    const resolved = await fresh.resolve(subject("again", "1.1", 1, "uid-new"), []);
    expect(resolved.target.number).toBe(1);
    const stored = await client.listOf(namespace, "again");
    expect(stored.map((r) => [r.revision, r.owner?.uid])).toEqual([[1, "uid-new"]]);
  });

  it("revisions - a name longer than a label value is shortened consistently and still listed", async () => {
    const name = `a-very-long-deployment-name-${"x".repeat(60)}-${runId}`;
    const store = newStore();
    await store.resolve(subject(name, "1.0"), []);
    const [stored] = await client.listOf(namespace, name);
    expect(stored?.owner?.name).toBe(name);
    expect(stored?.name.length).toBeLessThanOrEqual(253);
    expect((await newStore().resolve(subject(name, "1.0"), [])).target.number).toBe(1);
  });

  it("revisions - a revision with data that is not a score is ignored, and its number not reused", async () => {
    const hash = "0123456789";
    const manifest = revisionManifest({
      namespace,
      deployment: "odd",
      uid: "uid-odd",
      hash,
      revision: 7,
      data: { score: score("1.0"), generation: 1 },
    });
    // Written by something else (or a later operator): not a score this build reads.
    manifest.data = { score: { Unknown: {} }, generation: 1 };
    await client.create(manifest);
    const { target } = await newStore().resolve(subject("odd", "1.0"), []);
    expect(target.number).toBe(8);
  });

  it("leadership - a replica that lost the Lease creates nothing", async () => {
    const store = newStore({ canWrite: () => false });
    await expect(store.resolve(subject("follower", "1.0"), [])).rejects.toBeInstanceOf(
      LeadershipLostError,
    );
    expect(await numbersIn("follower")).toEqual([]);
  });

  it("revisions - a create that answers 409 (made by a run whose answer was lost) uses the revision found", async () => {
    const uid = randomUUID();
    const store = newStore();
    await store.resolve({ namespace, name: "twice", uid, generation: 1, score: score("1.0") }, []);
    const manifest = revisionManifest({
      namespace,
      deployment: "twice",
      uid,
      hash: revisionHashOf(score("1.1")),
      revision: 2,
      data: { score: score("1.1"), generation: 2 },
    });
    await client.create(manifest);
    await expect(client.create(manifest)).rejects.toMatchObject({ code: 409 });
    const resolved = await store.resolve(
      { namespace, name: "twice", uid, generation: 2, score: score("1.1") },
      [],
    );
    expect(resolved.target.number).toBe(2);
    expect(await numbersIn("twice")).toEqual([1, 2]);
  });

  it("orphans - revisions whose Deployment no longer exists are removed; the others are kept", async () => {
    const store = newStore();
    await store.resolve(subject("orphan-a", "1.0"), []);
    await store.resolve(subject("orphan-a", "1.1", 2), []);
    await store.resolve(subject("kept", "1.0"), []);
    const exists = (key: string): boolean => key !== `${namespace}/orphan-a`;
    expect(await newStore().removeOrphans(namespace, exists)).toBe(2);
    expect(await numbersIn("orphan-a")).toEqual([]);
    expect(await numbersIn("kept")).toEqual([1]);
    // Across namespaces too (the operator watching all of them).
    await store.resolve(subject("orphan-b", "1.0"), []);
    const gone = (key: string): boolean => key !== `${namespace}/orphan-b`;
    expect(await newStore().removeOrphans(undefined, gone)).toBeGreaterThanOrEqual(1);
    expect(await numbersIn("orphan-b")).toEqual([]);
    expect(await numbersIn("kept")).toEqual([1]);
  });
});
