// Selector targeting against the real local platform: the operator (a child
// process) watches Device CRs in kube-apiserver and keeps the desired-state
// entries in nats-server's KV following their labels, their enrollment and
// their disabled flag; host-port clashes are reported in both CRs' status.
import {
  CONDITION_HOST_PORT_CONFLICT,
  deploymentDesiredStateFilter,
  desiredStateKey,
  deviceManifest,
  type Condition,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrd } from "../install.js";
import {
  Cluster,
  Kv,
  nginxSelectorSpec,
  nginxSpec,
  runId,
  type StoredDeployment,
} from "../testing/fixtures.js";
import { startOperator, type OperatorProcess } from "../testing/operator-process.js";

const WAIT = { timeoutMs: 20_000 };
let cluster: Cluster;
let kv: Kv;
let devices: DeviceClient;
let operator: OperatorProcess;
const created: string[] = [];

async function addDevice(
  name: string,
  labels: Record<string, string>,
  enrolled = true,
): Promise<void> {
  const identity = { userId: `user-${name}`, keyId: `key-${name}` };
  await devices.create(deviceManifest({ name, labels, spec: enrolled ? { identity } : {} }));
  created.push(name);
}

async function setLabels(name: string, labels: Record<string, string | null>): Promise<void> {
  await devices.mergePatch(name, { metadata: { labels } });
}

const conflictOf = (cr: StoredDeployment | undefined): Condition | undefined =>
  cr?.status?.conditions.find((c) => c.type === CONDITION_HOST_PORT_CONFLICT);

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  devices = DeviceClient.forKubeConfig(cluster.kc);
  await installCrd(cluster.kc, pino({ level: "silent" }), 60_000);
  operator = await startOperator(`op-target-${runId}`, ["--lease-name", `it-target-${runId}`]);
  await operator.waitForState("leading");
});

afterAll(async () => {
  await operator.stop();
  for (const name of created) await devices.deleteIfPresent(name);
  await cluster.cleanup();
  await kv.cleanup(cluster.namespaces);
  await kv.close();
});

describe("targeting - label selectors", () => {
  it("selector - places on matching enrolled Devices and follows relabel, approval, disable and delete", async () => {
    const ns = await cluster.namespace("select");
    const name = "kiosk";
    const app = `kiosk-${runId}`;
    const [m1, m2, pending, other] = ["sm1", "sm2", "spend", "sother"].map(
      (d) => `${d}-${runId}`,
    ) as [string, string, string, string];
    await addDevice(m1, { app });
    await addDevice(m2, { app, region: "eu" });
    await addDevice(pending, { app }, false);
    await addDevice(other, { app: "something-else" });
    const key = (device: string): string => desiredStateKey({ device, namespace: ns, name });
    const keys = (): Promise<string[]> =>
      kv.keys(deploymentDesiredStateFilter({ namespace: ns, name }));

    await cluster.create(ns, name, nginxSelectorSpec({ matchLabels: { app } }, 18180));
    await waitUntil(
      async () => JSON.stringify(await keys()) === JSON.stringify([key(m1), key(m2)].sort()),
      { what: "entries on the two matching enrolled devices", ...WAIT },
    );
    await waitUntil(
      async () => (await cluster.get(ns, name))?.status?.aggregate?.matchedDevices === 2,
      { what: "matchedDevices 2 in the CR status", ...WAIT },
    );
    const m2Revision = await kv.revision(key(m2));
    const puts = (): Promise<number> => operator.metric("iot_operator_kv_writes_total", 'op="put"');
    const putsBefore = await puts();

    // Gains the label -> gets the workload: one put, the other devices' entries not rewritten.
    await setLabels(other, { app });
    await waitUntil(async () => (await kv.value(key(other))) !== undefined, {
      what: "entry on the relabelled device",
      ...WAIT,
    });
    expect(await kv.revision(key(m2))).toBe(m2Revision);
    expect(await puts()).toBe(putsBefore + 1);

    // Loses the label -> the workload is removed.
    await setLabels(m1, { app: null });
    await waitUntil(async () => (await kv.value(key(m1))) === undefined, {
      what: "entry removed from the device that lost the label",
      ...WAIT,
    });

    // Disabled -> dropped; an identity issued (approval) -> placed.
    await devices.patchSpec(m2, { disabled: true });
    await devices.patchSpec(pending, { identity: { userId: "u-p", keyId: "k-p" } });
    await waitUntil(
      async () =>
        (await kv.value(key(m2))) === undefined && (await kv.value(key(pending))) !== undefined,
      { what: "disabled device dropped, approved one placed", ...WAIT },
    );

    // The Device is deleted -> its entry goes.
    await devices.delete(other);
    await waitUntil(async () => JSON.stringify(await keys()) === JSON.stringify([key(pending)]), {
      what: "only the approved device left",
      ...WAIT,
    });
    await waitUntil(
      async () => (await cluster.get(ns, name))?.status?.aggregate?.matchedDevices === 1,
      { what: "matchedDevices follows", ...WAIT },
    );
  });

  it("selector - a listed deployment drops a disabled Device and keeps ids without a Device", async () => {
    const ns = await cluster.namespace("listed");
    const name = "web";
    const [known, unknown] = [`lk-${runId}`, `lu-${runId}`];
    await addDevice(known, {});
    const key = (device: string): string => desiredStateKey({ device, namespace: ns, name });
    await cluster.create(ns, name, nginxSpec([known, unknown], "1.0", 18181));
    await waitUntil(
      async () =>
        (await kv.value(key(known))) !== undefined && (await kv.value(key(unknown))) !== undefined,
      { what: "entries on both listed ids", ...WAIT },
    );
    await devices.patchSpec(known, { disabled: true });
    await waitUntil(async () => (await kv.value(key(known))) === undefined, {
      what: "disabled device dropped",
      ...WAIT,
    });
    expect(await kv.value(key(unknown))).toBeDefined();
  });
});

describe("targeting - host-port clashes", () => {
  it("clash - the older CR keeps the device, the newer is withheld there, both report it", async () => {
    const ns = await cluster.namespace("clash");
    const device = `clash-${runId}`;
    const label = `clash-${runId}`;
    await addDevice(device, { group: label });
    const key = (name: string): string => desiredStateKey({ device, namespace: ns, name });

    await cluster.create(ns, "older", nginxSelectorSpec({ matchLabels: { group: label } }, 18190));
    const olderCreated = Date.now(); // the API server stamped it at or before this
    await waitUntil(async () => (await kv.value(key("older"))) !== undefined, {
      what: "the older CR's entry",
      ...WAIT,
    });
    // Creation times have whole seconds, and a tie goes to the smaller name
    // ("newer" < "older"): create the newer CR a second later, so only its age
    // decides here.
    await waitUntil(() => Promise.resolve(Date.now() >= olderCreated + 1000), {
      what: "the next second on the API server's clock",
      ...WAIT,
    });
    await cluster.create(ns, "newer", nginxSpec([device], "1.0", 18190));

    await waitUntil(
      async () =>
        conflictOf(await cluster.get(ns, "newer"))?.status === "True" &&
        conflictOf(await cluster.get(ns, "older"))?.status === "True",
      { what: "HostPortConflict on both CRs", ...WAIT },
    );
    const newer = await cluster.get(ns, "newer");
    expect(conflictOf(newer)?.message).toContain(`${ns}/older`);
    expect(conflictOf(newer)?.message).toContain("18190/TCP");
    expect(newer?.status?.aggregate).toMatchObject({ matchedDevices: 1, conflicted: 1 });
    const older = await cluster.get(ns, "older");
    expect(conflictOf(older)?.message).toContain(`${ns}/newer`);
    expect(conflictOf(older)?.message).toContain("18190/TCP");
    expect(older?.status?.aggregate?.conflicted).toBe(0);
    // Decided before anything reached the device: the newer CR's entry was never written.
    expect(await kv.value(key("newer"))).toBeUndefined();

    // The older one goes: the newer is placed and the clash is over.
    await cluster.delete(ns, "older");
    await waitUntil(async () => (await kv.value(key("newer"))) !== undefined, {
      what: "the newer CR placed once the older is gone",
      ...WAIT,
    });
    expect(await kv.value(key("older"))).toBeUndefined();
    await waitUntil(async () => conflictOf(await cluster.get(ns, "newer"))?.status === "False", {
      what: "HostPortConflict False on the newer CR",
      ...WAIT,
    });
  });
});
