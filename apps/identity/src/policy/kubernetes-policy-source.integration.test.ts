import { deviceManifest } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { installDeviceCrd } from "@fleet/kube/testing";
import { kubeConfigFor, startServer, stopServer, waitUntil } from "@fleet/local-platform/testing";
import { silentLogger } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubernetesPolicySource, POLICY_STORE_UNAVAILABLE } from "./kubernetes-policy-source.js";
import type { DevicePolicy } from "./policy-source.js";

const runId = Date.now().toString(36);
const userOf = (device: string): string => `user-${device}`;
const DEFAULT_GRANTS = ["desired-state.read", "agent-status.write"];

describe("KubernetesPolicySource - against the real API server", () => {
  let kc: KubeConfig;
  let devices: DeviceClient;
  let source: KubernetesPolicySource;
  const changes: DevicePolicy[] = [];
  const created: string[] = [];

  /** Creates a Device whose identity is `user-<id>`. */
  async function createDevice(suffix: string): Promise<string> {
    const id = `${suffix}-${runId}`;
    created.push(id);
    await devices.create(
      deviceManifest({ name: id, spec: { identity: { userId: userOf(id), keyId: `key-${id}` } } }),
    );
    return id;
  }

  const changeFor = (id: string, disabled: boolean): Promise<void> =>
    waitUntil(
      () => Promise.resolve(changes.some((c) => c.deviceId === id && c.disabled === disabled)),
      // The budget: a disabled device is disconnected within 2 s.
      { what: `onChange for ${id} disabled=${String(disabled)}`, timeoutMs: 2000 },
    );

  beforeAll(async () => {
    kc = await kubeConfigFor("admin");
    await installDeviceCrd(kc);
    devices = DeviceClient.forKubeConfig(kc);
    await waitUntil(async () => (await devices.list().catch(() => undefined)) !== undefined, {
      what: "Devices listable",
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await source.stop();
    for (const id of created) await devices.deleteIfPresent(id);
  });

  it("lookup - finds a Device that existed before start, with its policy", async () => {
    const a = await createDevice("before");
    source = new KubernetesPolicySource({ kubeConfig: kc, log: silentLogger() });
    source.onChange((policy) => changes.push(policy));
    await source.start();
    expect(await source.lookup(userOf(a))).toEqual({
      found: true,
      policy: {
        deviceId: a,
        userId: userOf(a),
        disabled: false,
        grants: DEFAULT_GRANTS,
        drained: true,
      },
    });
    expect(await source.lookup(`nobody-${runId}`)).toEqual({
      found: false,
      reason: "no device has this identity",
    });
  });

  it("onChange - a disabled flag, an enabled one and a deletion are each reported", async () => {
    const b = await createDevice("toggled");
    await devices.patchSpec(b, { disabled: true });
    await changeFor(b, true);
    expect(await source.lookup(userOf(b))).toMatchObject({
      found: true,
      policy: { disabled: true },
    });

    changes.length = 0;
    await devices.patchSpec(b, { disabled: false });
    await changeFor(b, false);

    // A deleted Device is reported disabled with nothing granted, and is no longer found.
    changes.length = 0;
    await devices.delete(b);
    await changeFor(b, true);
    expect(changes.find((c) => c.deviceId === b)).toEqual({
      deviceId: b,
      userId: userOf(b),
      disabled: true,
      grants: [],
      drained: true,
    });
    expect((await source.lookup(userOf(b))).found).toBe(false);
  });

  it("onChange - the operator's status saying workloads run, then none, is reported (a disabled device drains on it)", async () => {
    const d = await createDevice("draining");
    const drainedIs = (drained: boolean): Promise<void> =>
      waitUntil(
        () => Promise.resolve(changes.some((c) => c.deviceId === d && c.drained === drained)),
        { what: `onChange for ${d} drained=${String(drained)}`, timeoutMs: 5000 },
      );
    await drainedIs(true);
    changes.length = 0;
    await devices.patchStatus(d, { connectivity: "Online", reportedDeployments: 2 });
    await drainedIs(false);
    changes.length = 0;
    await devices.patchStatus(d, { reportedDeployments: 0 });
    await drainedIs(true);
  });

  it("lookup - reads through to the API server for a Device the cache has not seen", async () => {
    // Never started: no watch, so only the read-through can find it.
    const cold = new KubernetesPolicySource({ kubeConfig: kc, log: silentLogger() });
    const c = await createDevice("fresh");
    expect(await cold.lookup(userOf(c))).toMatchObject({ found: true, policy: { deviceId: c } });
    expect(cold.cachedCount).toBe(1);
    // And on the watching source, a device created a moment ago is found at once.
    const d = await createDevice("just-added");
    expect(await source.lookup(userOf(d))).toMatchObject({ found: true, policy: { deviceId: d } });
  });

  it("lookup - one IdP user on two Devices is refused, naming both", async () => {
    const [e, f] = [`twin-a-${runId}`, `twin-b-${runId}`];
    const userId = `user-twin-${runId}`;
    for (const id of [e, f]) {
      created.push(id);
      await devices.create(deviceManifest({ name: id, spec: { identity: { userId, keyId: id } } }));
    }
    const cold = new KubernetesPolicySource({ kubeConfig: kc, log: silentLogger() });
    expect(await cold.lookup(userId)).toEqual({
      found: false,
      reason: `user ${userId} is the identity of several devices (${e}, ${f})`,
    });
  });

  it("outage - with kube-apiserver stopped a cached device is found and an unseen one refused; after it returns, both are found", async () => {
    const cached = await createDevice("cached");
    const unseen = await createDevice("unseen");
    // `cold` never watches: it has seen only what it was asked about.
    const cold = new KubernetesPolicySource({ kubeConfig: kc, log: silentLogger() });
    expect((await cold.lookup(userOf(cached))).found).toBe(true);
    const later = `later-${runId}`;
    // The watching source holds both (from its watch, or by reading through now).
    expect((await source.lookup(userOf(unseen))).found).toBe(true);

    await stopServer("kube-apiserver");
    try {
      expect(await cold.lookup(userOf(cached))).toMatchObject({
        found: true,
        policy: { deviceId: cached, disabled: false },
      });
      expect(await cold.lookup(userOf(unseen))).toEqual({
        found: false,
        reason: POLICY_STORE_UNAVAILABLE,
      });
      // The watching source keeps every device it holds, and refuses what it does not know.
      expect((await source.lookup(userOf(unseen))).found).toBe(true);
      expect(await source.lookup(userOf(later))).toEqual({
        found: false,
        reason: POLICY_STORE_UNAVAILABLE,
      });
    } finally {
      await startServer("kube-apiserver");
    }

    // kube-apiserver answers /readyz before its custom resources are served
    // again, and a loaded machine may take past the 2 s read-through budget:
    // until then the honest answer is still "unavailable", so await the change.
    await waitUntil(async () => (await cold.lookup(userOf(unseen))).found, {
      what: "the unseen device found after the API server returned",
      timeoutMs: 30_000,
    });
    expect(await cold.lookup(userOf(unseen))).toMatchObject({
      found: true,
      policy: { deviceId: unseen },
    });
    created.push(later);
    await devices.create(
      deviceManifest({ name: later, spec: { identity: { userId: userOf(later), keyId: "k" } } }),
    );
    expect((await source.lookup(userOf(later))).found).toBe(true);
    // The watch came back too: a change made now still reaches the listeners.
    changes.length = 0;
    await devices.patchSpec(cached, { disabled: true });
    await waitUntil(
      () => Promise.resolve(changes.some((c) => c.deviceId === cached && c.disabled)),
      // The watch relists with backoff (at most 10 s) after the API server returns.
      { what: "onChange after the API server returned", timeoutMs: 30_000 },
    );
  });
});
