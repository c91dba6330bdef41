// Freshness is judged on the receiving side, against the real NATS and API
// server: devices whose clocks are 10 minutes behind or ahead count as running,
// and a heartbeat that was already old when the operator started (replayed by
// its watch) counts as unreported at once, not for a whole window.
import { agentStatusKey, desiredStateKey, type AgentStatusInput } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrd } from "../install.js";
import { Cluster, Kv, nginxSpec, runId } from "../testing/fixtures.js";
import { startOperator, type OperatorProcess } from "../testing/operator-process.js";

const HEARTBEAT = 1000;
const STALENESS = 3000;
const TEN_MINUTES = 10 * 60_000;

let cluster: Cluster;
let kv: Kv;
let operator: OperatorProcess | undefined;
let beats: NodeJS.Timeout | undefined;
let namespace: string;
const [slow, fast, dead] = ["slow", "fast", "dead"].map((d) => `fresh-${d}-${runId}`) as [
  string,
  string,
  string,
];

/** A Running heartbeat whose claimed time is `skewMs` off the real time. */
function heartbeat(device: string, name: string, skewMs: number): AgentStatusInput {
  const claimed = new Date(Date.now() + skewMs).toISOString();
  return {
    deviceId: device,
    agentVersion: "simulated",
    lastHeartbeatAt: claimed,
    deployments: {
      [desiredStateKey({ device, namespace, name })]: { phase: "Running", lastEventAt: claimed },
    },
  };
}

const aggregateOf = async (name: string) => (await cluster.get(namespace, name))?.status?.aggregate;

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  await installCrd(cluster.kc, pino({ level: "silent" }), 60_000);
  namespace = await cluster.namespace("freshness");
  await cluster.create(namespace, "skewed", nginxSpec([slow, fast]));
  await cluster.create(namespace, "gone", nginxSpec([dead]));
  // The dead device's last heartbeat, stored before the operator starts and
  // then left to age past the window.
  await kv.report(heartbeat(dead, "gone", 0));
  const stored = await kv.status.get(agentStatusKey(dead));
  const storedAt = stored?.created.getTime() ?? Date.now();
  await waitUntil(() => Promise.resolve(Date.now() - storedAt > STALENESS + 1000), {
    what: "the dead device's heartbeat to age past the window",
    timeoutMs: 30_000,
  });
});

afterAll(async () => {
  clearInterval(beats);
  await operator?.stop();
  await cluster.cleanup();
  await kv.cleanup([namespace]);
  await kv.close();
});

describe("operator - freshness judged by receive time", () => {
  it("freshness - clocks 10 minutes off still count; a heartbeat old at start is unreported at once", async () => {
    const beat = async (): Promise<void> => {
      await kv.report(heartbeat(slow, "skewed", -TEN_MINUTES));
      await kv.report(heartbeat(fast, "skewed", TEN_MINUTES));
    };
    await beat();
    beats = setInterval(() => void beat(), HEARTBEAT);
    // The bucket is shared with other tests (and a developer's platform): the
    // operator's replay holds every device in it, these three among them.
    let devicesInBucket = 0;
    for await (const _key of await kv.status.keys()) devicesInBucket++;
    operator = await startOperator(`op-fresh-${runId}`, [
      "--lease-name",
      `it-fresh-${runId}`,
      "--heartbeat-period",
      `${HEARTBEAT}ms`,
      "--staleness-window",
      `${STALENESS}ms`,
    ]);
    await operator.waitForState("leading");

    await waitUntil(async () => (await aggregateOf("skewed"))?.succeeded === 2, {
      what: "both skewed devices counted as running",
      timeoutMs: 20_000,
    });
    const skewed = await aggregateOf("skewed");
    expect(skewed).toMatchObject({ succeeded: 2, unreported: 0 });
    // Last heard from now (receive time), not 10 minutes ago or ahead.
    const heardAgo = Date.now() - Date.parse(skewed?.lastHeartbeatAt ?? "");
    expect(heardAgo).toBeGreaterThanOrEqual(0);
    expect(heardAgo).toBeLessThan(TEN_MINUTES / 2);

    // Once the operator holds the dead device's report, it is already stale.
    await waitUntil(
      async () =>
        ((await operator?.metric("iot_operator_devices_tracked")) ?? 0) >= devicesInBucket,
      {
        what: "the operator tracking every device in the bucket, these three among them",
        timeoutMs: 20_000,
      },
    );
    await waitUntil(async () => (await aggregateOf("gone")) !== undefined, {
      what: "a status on the dead device's deployment",
      timeoutMs: 20_000,
    });
    expect(await aggregateOf("gone")).toMatchObject({ succeeded: 0, unreported: 1 });
  });
});
