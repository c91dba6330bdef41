import { deviceManifest, deviceSpecSchema } from "@fleet/contracts";
import { kubeConfigFor, waitUntil } from "@fleet/local-platform/testing";
import { silentLogger } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNotFound, isUnprocessable } from "./api-errors.js";
import { DeviceClient, type DeviceObject } from "./device-client.js";
import { installDeviceCrd } from "./testing/index.js";

const runId = Date.now().toString(36);
const identity = (n: number): { userId: string; keyId: string } => ({
  userId: `u${n}-${runId}`,
  keyId: `k${n}-${runId}`,
});
const specOf = (device: DeviceObject | undefined): unknown => device?.spec;

async function rejected(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => {
      throw new Error("the API server accepted it");
    },
    (error: unknown) => error,
  );
}

describe("DeviceClient - against the real API server", () => {
  let kc: KubeConfig;
  let client: DeviceClient;
  const names: string[] = [];
  const name = (suffix: string): string => {
    const device = `dc-${suffix}-${runId}`;
    names.push(device);
    return device;
  };

  beforeAll(async () => {
    kc = await kubeConfigFor("admin");
    await installDeviceCrd(kc);
    client = DeviceClient.forKubeConfig(kc);
    // Right after a CRD change the API answers 429 "storage is (re)initializing" for a moment.
    await waitUntil(async () => (await client.list().catch(() => undefined)) !== undefined, {
      what: "Devices listable",
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    for (const device of names) await client.deleteIfPresent(device);
  });

  it("create, get, find, list, patch the spec, delete - one Device through its life", async () => {
    const device = name("life");
    const created = await client.create(
      deviceManifest({ name: device, labels: { site: "oslo" }, spec: { identity: identity(1) } }),
    );
    expect(created.metadata?.name).toBe(device);
    expect(deviceSpecSchema.parse(specOf(await client.get(device)))).toEqual({
      disabled: false,
      approved: false,
      identity: identity(1),
      grants: ["desired-state.read", "agent-status.write"],
    });
    expect(
      (await client.list({ labelSelector: "site=oslo" })).items.map((d) => d.metadata?.name),
    ).toContain(device);

    // Merge patch of the spec: set disabled, narrow the grants, keep the identity.
    await client.patchSpec(device, { disabled: true, grants: ["agent-status.write"] });
    expect(specOf(await client.get(device))).toEqual({
      disabled: true,
      approved: false,
      identity: identity(1),
      grants: ["agent-status.write"],
    });
    // null removes the identity.
    await client.patchSpec(device, { identity: null });
    expect(specOf(await client.find(device))).toEqual({
      disabled: true,
      approved: false,
      grants: ["agent-status.write"],
    });

    // A patch the schema refuses changes nothing and names the field.
    const refused = await rejected(
      client.patchSpec(device, { grants: ["root" as "agent-status.write"] }),
    );
    expect(isUnprocessable(refused)).toBe(true);
    expect(specOf(await client.get(device))).toMatchObject({ grants: ["agent-status.write"] });

    // A JSON patch guarded by a test op fails on a stale read.
    const stale = await rejected(
      client.jsonPatch(device, [
        { op: "test", path: "/spec/disabled", value: false },
        { op: "replace", path: "/spec/disabled", value: false },
      ]),
    );
    expect(isUnprocessable(stale)).toBe(true);

    expect(await client.deleteIfPresent(device)).toBe(true);
    expect(await client.deleteIfPresent(device)).toBe(false);
    expect(await client.find(device)).toBeUndefined();
    expect(isNotFound(await rejected(client.get(device)))).toBe(true);
  });

  it("listByUserId - finds the Device of an IdP user through the field selector, and never puts a malformed id into a selector", async () => {
    const [a, b] = [name("by-user-a"), name("by-user-b")];
    await client.create(deviceManifest({ name: a, spec: { identity: identity(2) } }));
    await client.create(deviceManifest({ name: b, spec: { identity: identity(3) } }));
    expect((await client.listByUserId(identity(2).userId)).map((d) => d.metadata?.name)).toEqual([
      a,
    ]);
    expect(await client.listByUserId(`nobody-${runId}`)).toEqual([]);
    // Not an IdP id: answered without asking (the API server would refuse the selector).
    for (const malformed of ["a=b", "a,b", "", "a b"]) {
      expect(await client.listByUserId(malformed), malformed).toEqual([]);
    }
  });

  it("watch - sees creations, spec changes and deletions (with the last object), and nothing after close", async () => {
    const device = name("watched");
    const seen: string[] = [];
    const watch = client.watch(
      {
        changed: (key, object) => {
          if (key === device)
            seen.push(
              `changed disabled=${String((object.spec as { disabled?: boolean }).disabled)}`,
            );
        },
        deleted: (key, last) => {
          if (key === device) seen.push(`deleted ${last?.metadata?.name ?? "?"}`);
        },
        listed: () => undefined,
      },
      { log: silentLogger() },
    );
    try {
      await waitUntil(async () => Promise.resolve(watch.synced), {
        what: "the first list",
        timeoutMs: 10_000,
      });
      await client.create(deviceManifest({ name: device }));
      await waitUntil(async () => Promise.resolve(watch.cache.has(device)), {
        what: "the creation",
        timeoutMs: 10_000,
      });
      await client.patchSpec(device, { disabled: true });
      await waitUntil(async () => Promise.resolve(seen.includes("changed disabled=true")), {
        what: "the spec change",
        timeoutMs: 10_000,
      });
      await client.delete(device);
      await waitUntil(async () => Promise.resolve(seen.includes(`deleted ${device}`)), {
        what: "the deletion",
        timeoutMs: 10_000,
      });
      expect(watch.cache.has(device)).toBe(false);
      expect(seen).toEqual([
        "changed disabled=false",
        "changed disabled=true",
        `deleted ${device}`,
      ]);
    } finally {
      await watch.close();
    }
    const after = name("after-close");
    await client.create(deviceManifest({ name: after }));
    await client.delete(after);
    expect(seen.filter((line) => line.includes(after))).toEqual([]);
    expect(watch.cache.has(after)).toBe(false);
  });

  it("listPaged - reads every Device a page at a time, each page cut down by keep; the watch lists that way too", async () => {
    const paged = [name("page-a"), name("page-b"), name("page-c")];
    for (const device of paged)
      await client.create(deviceManifest({ name: device, labels: { run: runId } }));
    const kept = (device: DeviceObject): DeviceObject => ({
      metadata: { name: device.metadata?.name ?? "" },
    });
    const list = await client.listPaged(1, kept);
    const ours = list.items.filter((item) => paged.includes(item.metadata?.name ?? ""));
    expect(ours.map((item) => item.metadata?.name).sort()).toEqual([...paged].sort());
    // Only what keep returned: not the spec, not the labels.
    expect(
      ours.every((item) => item.spec === undefined && item.metadata?.labels === undefined),
    ).toBe(true);
    expect(list.resourceVersion).not.toBe("");
    const first = await client.list({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.continue).toBeDefined();

    const watch = client.watch(
      { changed: () => undefined, deleted: () => undefined, listed: () => undefined },
      { log: silentLogger(), keep: kept, pageSize: 1 },
    );
    try {
      await waitUntil(async () => Promise.resolve(watch.synced), {
        what: "the first (paged) list",
        timeoutMs: 10_000,
      });
      for (const device of paged)
        expect(watch.cache.get(device)).toEqual({ metadata: { name: device } });
    } finally {
      await watch.close();
    }
  });

  it("patchStatus - merge-patches only the fields given: another writer's status fields and the spec stay", async () => {
    const device = name("status");
    await client.create(deviceManifest({ name: device, spec: { identity: identity(4) } }));
    // Two writers, each of its own fields (iot-identity: phase; the operator: connectivity).
    await client.patchStatus(device, { phase: "Enrolled", message: "hello" });
    await client.patchStatus(device, { connectivity: "Online" });
    const patched = await client.patchStatus(device, { message: null });
    expect(patched.status).toEqual({ phase: "Enrolled", connectivity: "Online", conditions: [] });
    expect(deviceSpecSchema.parse(specOf(patched)).identity).toEqual(identity(4));
    // Status is a subresource: a spec write cannot set it.
    await client.mergePatch(device, { status: { phase: "Disabled" } });
    expect((await client.get(device)).status).toMatchObject({ phase: "Enrolled" });
  });

  it("watch - a client made from a Configuration cannot watch, and says how to", async () => {
    const { createConfiguration } = await import("@kubernetes/client-node");
    const other = DeviceClient.forConfiguration(createConfiguration({ authMethods: {} }));
    expect(() =>
      other.watch({ changed() {}, deleted() {}, listed() {} }, { log: silentLogger() }),
    ).toThrow(/forKubeConfig/);
  });
});
