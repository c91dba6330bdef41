// The operator's rollout machinery against the real platform: the real
// operator, kube-apiserver and nats-server, with simulated agents (they report
// Running for the revision of the entry they hold, or Failed where told to).
// Proves the wiring, not the planner's rules (plan.test.ts): revisions as
// ControllerRevisions, write-ahead status before entries, heartbeats and
// timers moving a rollout, commands, rollback conditions, a restart
// mid-rollout, and the revisions going with their CR. Real agents on podman:
// src/integration-rollout/.
import {
  approveBatchPatch,
  decodeDesiredState,
  deploymentDesiredStateFilter,
  desiredStateKey,
  parseDesiredStateKey,
  REASON_ROLLOUT_FAILED,
  type AgentStatusInput,
  type DeploymentSpecInput,
  type RolloutSpecInput,
  type RolloutStatus,
} from "@fleet/contracts";
import { RevisionClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, Kv, nginxSpec, runId } from "../testing/fixtures.js";
import { startOperator, type OperatorProcess } from "../testing/operator-process.js";

const HEARTBEAT = 500;
const STALENESS = 2000;

let cluster: Cluster;
let kv: Kv;
let revisions: RevisionClient;
let operator: OperatorProcess;
let namespace: string;

const operatorArgs = (): string[] => [
  "--lease-name",
  `it-rollout-${runId}`,
  "--heartbeat-period",
  `${HEARTBEAT}ms`,
  "--staleness-window",
  `${STALENESS}ms`,
];

/**
 * Simulated agents for one CR: each reports, for the entry it holds, Running
 * with its revision; a device whose image tag is in `broken` reports Failed;
 * `legacy` ones report no revision (agents older than revisions); `offline`
 * ones report nothing.
 */
class SimulatedFleet {
  readonly broken = new Set<string>();
  readonly legacy = new Set<string>();
  readonly offline = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #busy = false;

  constructor(
    readonly name: string,
    readonly devices: readonly string[],
  ) {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      void this.beat().finally(() => {
        this.#busy = false;
      });
    }, HEARTBEAT / 2);
  }

  key(device: string): string {
    return desiredStateKey({ device, namespace, name: this.name });
  }

  /** Revision of the entry each device holds (undefined: none). */
  async held(): Promise<Record<string, number | undefined>> {
    const out: Record<string, number | undefined> = {};
    for (const device of this.devices) {
      const value = await kv.value(this.key(device));
      out[device] = value === undefined ? undefined : decodeDesiredState(value).revision;
    }
    return out;
  }

  async beat(): Promise<void> {
    for (const device of this.devices) {
      if (this.offline.has(device)) continue;
      const value = await kv.value(this.key(device));
      const entry = value === undefined ? undefined : decodeDesiredState(value);
      const image = entry?.score.PodmanV0.services[0]?.image ?? "";
      const failed = [...this.broken].some((tag) => image.endsWith(`:${tag}`));
      const status: AgentStatusInput = {
        deviceId: device,
        agentVersion: "simulated",
        lastHeartbeatAt: new Date().toISOString(),
        deployments:
          entry === undefined
            ? {}
            : {
                [this.key(device)]: {
                  phase: failed ? "Failed" : "Running",
                  ...(this.legacy.has(device) ? {} : { revision: entry.revision }),
                  ...(failed ? { lastError: `image ${image} not found` } : {}),
                },
              },
      };
      await kv.report(status);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

const devicesOf = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}-${runId}`);

const rolloutOf = async (name: string): Promise<RolloutStatus | undefined> =>
  (await cluster.get(namespace, name))?.status?.rollout;

async function waitForRollout(
  name: string,
  what: string,
  check: (rollout: RolloutStatus) => boolean,
  timeoutMs = 20_000,
): Promise<RolloutStatus> {
  let last: RolloutStatus | undefined;
  try {
    await waitUntil(
      async () => {
        last = await rolloutOf(name);
        return last !== undefined && check(last);
      },
      { what, timeoutMs },
    );
  } catch (error) {
    throw new Error(`${String(error)}; last status.rollout: ${JSON.stringify(last)}`);
  }
  if (last === undefined) throw new Error("unreachable");
  return last;
}

/** Revision 1 given to every device, and every device heard from running it. */
async function waitRunning(name: string, devices: readonly string[]): Promise<void> {
  await waitForRollout(name, "revision 1 Completed", (r) => r.phase === "Completed");
  await waitUntil(
    async () =>
      (await cluster.get(namespace, name))?.status?.aggregate?.succeeded === devices.length,
    { what: `${name}: every device running revision 1`, timeoutMs: 20_000 },
  );
}

function spec(devices: string[], tag: string, rollout?: RolloutSpecInput): DeploymentSpecInput {
  return { ...nginxSpec(devices, tag), ...(rollout === undefined ? {} : { rollout }) };
}

const count = (held: Record<string, number | undefined>, revision: number): number =>
  Object.values(held).filter((r) => r === revision).length;

/**
 * Runs a case on a CR whose simulated devices all run revision 1 (image 1.0, no rollout
 * settings); the agents stop when the case ends, whatever its outcome.
 */
async function onRevisionOne(
  name: string,
  devices: string[],
  body: (fleet: SimulatedFleet) => Promise<void>,
): Promise<void> {
  const fleet = new SimulatedFleet(name, devices);
  try {
    await cluster.create(namespace, name, spec(devices, "1.0"));
    await waitRunning(name, devices);
    await body(fleet);
  } finally {
    fleet.stop();
  }
}

/** A new revision of the CR: image `tag`, with these rollout settings. */
const upgrade = async (
  name: string,
  devices: string[],
  tag: string,
  rollout?: RolloutSpecInput,
): Promise<void> => {
  await cluster.patchSpec(namespace, name, spec(devices, tag, rollout));
};

/** Waits until `n` of the fleet's devices hold an entry of `revision`. */
const waitHolding = (fleet: SimulatedFleet, revision: number, n: number, what: string) =>
  waitUntil(async () => count(await fleet.held(), revision) === n, { what, timeoutMs: 20_000 });

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  revisions = RevisionClient.forKubeConfig(cluster.kc);
  namespace = await cluster.namespace("rollout-wiring");
  operator = await startOperator(`op-rollout-${runId}`, operatorArgs());
  await operator.waitForState("leading");
});

afterAll(async () => {
  await operator.stop();
  await cluster.cleanup();
  await kv.cleanup([namespace]);
  await kv.close();
});

describe("rollout wiring - against the real platform", () => {
  it("batches - each transition is in status.rollout before any device gets its entry; heartbeats move it to Completed", async () => {
    const name = "staged";
    const devices = devicesOf("st", 4);
    // No spec.rollout and no stable revision yet: everyone at once, Completed.
    await onRevisionOne(name, devices, async (fleet) => {
      expect(count(await fleet.held(), 1)).toBe(4);

      // Every entry of revision 2 that appears in KV must already be recorded.
      const seen: { device: string; rollout: RolloutStatus | undefined }[] = [];
      const watch = await kv.desired.watch({
        key: deploymentDesiredStateFilter({ namespace, name }),
        include: "updates",
      });
      const watching = (async () => {
        for await (const entry of watch) {
          if (entry.operation !== "PUT") continue;
          if (decodeDesiredState(entry.value).revision !== 2) continue;
          seen.push({
            device: parseDesiredStateKey(entry.key).device,
            rollout: await rolloutOf(name),
          });
        }
      })();

      await upgrade(name, devices, "1.1", {
        batches: [{ count: 1 }],
        successThreshold: 100,
        batchTimeout: "1m",
      });
      const done = await waitForRollout(
        name,
        "revision 2 Completed",
        (r) => r.revision === 2 && r.phase === "Completed",
      );
      watch.stop();
      await watching;
      expect(done).toMatchObject({ stableRevision: 2, totalBatches: 2, currentBatch: 2 });
      expect(done.batches.map((b) => [b.state, b.devices, b.updated])).toEqual([
        ["Succeeded", 1, 1],
        ["Succeeded", 3, 3],
      ]);
      expect(seen.map((s) => s.device).sort()).toEqual([...devices].sort());
      // The first device written was batch 1's, and the status said so before it was written.
      expect(seen[0]?.rollout).toMatchObject({ revision: 2, stableRevision: 1, currentBatch: 1 });
      for (const { rollout } of seen.slice(1))
        expect(rollout).toMatchObject({ revision: 2, currentBatch: 2 });
      expect(
        await operator.metric("iot_operator_rollout_transitions_total", 'phase="Completed"'),
      ).toBeGreaterThanOrEqual(2);

      // Both revisions are ControllerRevisions owned by the CR.
      const stored = await revisions.listOf(namespace, name);
      const cr = await cluster.get(namespace, name);
      expect(stored.map((r) => [r.revision, r.owner?.uid])).toEqual([
        [1, cr?.metadata.uid],
        [2, cr?.metadata.uid],
      ]);
    });
  });

  it("rollback - a failed device in batch 1 puts it back on the stable revision; Degraded RolloutFailed names it", async () => {
    const name = "bad-image";
    const devices = devicesOf("bi", 3);
    await onRevisionOne(name, devices, async (fleet) => {
      fleet.broken.add("9.9");
      await upgrade(name, devices, "9.9", {
        batches: [{ count: 1 }],
        successThreshold: 100,
        onFailure: "rollback",
      });
      const rolledBack = await waitForRollout(name, "RolledBack", (r) => r.phase === "RolledBack");
      expect(rolledBack).toMatchObject({
        revision: 2,
        stableRevision: 1,
        failure: { reason: "BatchFailed", batch: 1 },
      });
      const failed = rolledBack.failure?.devices[0];
      expect(failed?.message).toContain("localhost/fleet-nginx:9.9 not found");
      // Every device is back on (or never left) revision 1.
      await waitHolding(fleet, 1, 3, "all on the stable revision again");
      await waitUntil(
        async () => {
          const degraded = (await cluster.get(namespace, name))?.status?.conditions.find(
            (c) => c.type === "Degraded",
          );
          return (
            degraded?.reason === REASON_ROLLOUT_FAILED &&
            degraded.message.includes(
              `${failed?.device ?? "?"}: image localhost/fleet-nginx:9.9 not found`,
            )
          );
        },
        { what: "Degraded RolloutFailed naming the device and its error", timeoutMs: 20_000 },
      );
    });
  });

  it("timeout - a batch whose devices never report the new revision (older agents) times out and rolls back", async () => {
    const name = "timeout";
    const devices = devicesOf("to", 2);
    await onRevisionOne(name, devices, async (fleet) => {
      // Agents from before revisions: Running, but never "on revision 2".
      for (const device of devices) fleet.legacy.add(device);
      await upgrade(name, devices, "1.1", { batches: [{ count: 1 }], batchTimeout: "3s" });
      const timedOut = await waitForRollout(name, "BatchTimedOut", (r) => r.phase === "RolledBack");
      expect(timedOut.failure?.reason).toBe("BatchTimedOut");
      await waitHolding(fleet, 1, 2, "both back on revision 1");
    });
  });

  it("timers - the next batch starts when pauseBetweenBatches ends, with no heartbeat or status change to wake the CR", async () => {
    const name = "paused-between";
    const devices = devicesOf("pb", 2);
    await onRevisionOne(name, devices, async (fleet) => {
      await upgrade(name, devices, "1.1", { batches: [{ count: 1 }], pauseBetweenBatches: "5s" });
      const pausing = await waitForRollout(
        name,
        "batch 1 passed, waiting for the pause to end",
        (r) => r.revision === 2 && r.nextBatchAt !== undefined,
      );
      // Every device falls silent: once they are unreported nothing changes any more.
      for (const device of devices) fleet.offline.add(device);
      expect(count(await fleet.held(), 2)).toBe(1);
      const done = await waitForRollout(
        name,
        "batch 2 started by the timer and Completed (its device deferred)",
        (r) => r.phase === "Completed",
      );
      expect(Date.parse(done.batches[1]?.startedAt ?? "")).toBeGreaterThanOrEqual(
        Date.parse(pausing.nextBatchAt ?? "") - 1000,
      );
      expect(count(await fleet.held(), 2)).toBe(2);
    });
  });

  it("approval and restart - waits for approval, survives an operator restart without rewriting, goes on when approved", async () => {
    const name = "manual";
    const devices = devicesOf("ma", 3);
    await onRevisionOne(name, devices, async (fleet) => {
      await upgrade(name, devices, "1.1", { batches: [{ count: 1 }], approval: "manual" });
      await waitForRollout(
        name,
        "batch 1 done, waiting for approval",
        (r) => r.revision === 2 && r.phase === "WaitingForApproval",
      );
      expect(count(await fleet.held(), 2)).toBe(1);

      // A restarted operator goes on from status.rollout: nothing is rewritten.
      const sequences = await Promise.all(devices.map((d) => kv.revision(fleet.key(d))));
      await operator.stop();
      operator = await startOperator(`op-rollout-2-${runId}`, operatorArgs());
      await operator.waitForState("leading");
      await waitUntil(
        async () => (await operator.metric("iot_operator_deployments_tracked")) >= 1,
        {
          what: "the new operator tracks the CRs",
          timeoutMs: 20_000,
        },
      );
      await waitUntil(
        () => Promise.resolve(operator.logsWith("reconcile").some((l) => l.name === name)),
        {
          what: "the new operator reconciled the CR",
          timeoutMs: 20_000,
        },
      );
      expect((await rolloutOf(name))?.phase).toBe("WaitingForApproval");
      await waitUntil(async () => (await operator.metric("iot_operator_rollouts_active")) === 1, {
        what: "the waiting rollout counted as active",
        timeoutMs: 10_000,
      });
      expect(await Promise.all(devices.map((d) => kv.revision(fleet.key(d))))).toEqual(sequences);

      await cluster.deployments.mergePatch(namespace, name, approveBatchPatch(2, 2));
      await waitForRollout(
        name,
        "Completed after approval",
        (r) => r.revision === 2 && r.phase === "Completed",
      );
      await waitHolding(fleet, 2, 3, "all on revision 2");
      await waitUntil(async () => (await operator.metric("iot_operator_rollouts_active")) === 0, {
        what: "no rollout active any more",
        timeoutMs: 10_000,
      });
    });
  });

  it("deletion - a deleted CR's entries and revisions go before its finalizer is released", async () => {
    const name = "deleted";
    const devices = devicesOf("de", 2);
    await cluster.create(namespace, name, spec(devices, "1.0"));
    await waitForRollout(name, "revision 1 Completed", (r) => r.phase === "Completed");
    await upgrade(name, devices, "1.1");
    await waitForRollout(name, "revision 2 Completed", (r) => r.revision === 2);
    expect((await revisions.listOf(namespace, name)).map((r) => r.revision)).toEqual([1, 2]);
    await cluster.delete(namespace, name);
    await waitUntil(async () => (await cluster.get(namespace, name)) === undefined, {
      what: "CR gone",
      timeoutMs: 20_000,
    });
    expect(await revisions.listOf(namespace, name)).toEqual([]);
    expect(await kv.keys(deploymentDesiredStateFilter({ namespace, name }))).toEqual([]);
  });
});
