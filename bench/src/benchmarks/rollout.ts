// rollout: a staged rollout of one Deployment over BENCH_ROLLOUT_DEVICES
// simulated devices (1,000) in 4 batches (5 %, 20 %, 25 %, the rest), with the
// real operator (bundled, as its image ships), kube-apiserver and nats-server.
// The simulated devices watch their desired-state entries and report each
// entry's revision Running after a simulated restart (rollout-fleet.ts). The
// Deployment is created at revision 1 (no stable revision yet: every device
// gets it at once), then its score changes: revision 2 goes out batch by batch.
// Reported: time per batch (batch seen started → seen Succeeded on a CR watch)
// beside its floor (the slowest simulated restart in the batch), the whole
// rollout, operator CPU (user+sys) and peak RSS over it beside its heartbeats-
// only baseline, and the proof from the desired-state watch: every device's
// entry went 1 → 2 once (never back, never rewritten), at most two revisions
// were live, and no device outside the started batches held revision 2.
import {
  REVISION_DEPLOYMENT_LABEL,
  type DeploymentSpecInput,
  type RolloutStatus,
} from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { AppsV1Api } from "@kubernetes/client-node";
import { loadavg } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import type { BenchContext, Benchmark } from "../context.js";
import { CheckFailedError, PartError } from "../errors.js";
import {
  bundleOperator,
  installCrd,
  procUsage,
  startOperator,
  type Operator,
} from "../processes.js";
import { RolloutFleet } from "../rollout-fleet.js";
import { RolloutWatch } from "../rollout-watch.js";
import { nginxScore, runId } from "../spec.js";
import { valueFigure, type Figure } from "../stats.js";

const NAME = "rolled";
const HOST_PORT = 18090;
/** 5 %, 20 %, 25 % of the devices; the remaining 50 % form the fourth batch. */
const BATCHES = [{ percentage: 5 }, { percentage: 20 }, { percentage: 25 }];
const TOTAL_BATCHES = 4;
const CONVERGE_TIMEOUT_MS = 300_000;
const ROLLOUT_TIMEOUT_MS = 600_000;
/** Heartbeats only, before the rollout: the operator's CPU floor at this fleet size. */
const BASELINE_MS = 15_000;
/** After Completed, one heartbeat period more to see that nothing else is written. */
const SETTLE_MS = 5_000;
const RSS_SAMPLE_MS = 250;
const FINAL_PHASES = new Set<RolloutStatus["phase"]>(["Completed", "RolledBack", "Halted"]);

const loadNote = (): string =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`;

const specOf = (ids: string[], revision: number): DeploymentSpecInput => ({
  targetDevices: ids,
  score: nginxScore(HOST_PORT, { BENCH_REVISION: String(revision) }),
  rollout: { batches: BATCHES, batchTimeout: "5m" },
});

const completed =
  (revision: number) =>
  (rollout: RolloutStatus): boolean =>
    rollout.revision === revision && rollout.phase === "Completed";

/** Operator RSS sampled until stopped; resolves with the peak. */
function sampleRss(operator: Operator): { stop: () => Promise<number> } {
  let peak = 0;
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      peak = Math.max(peak, (await procUsage(operator.pid)).rss);
      await delay(RSS_SAMPLE_MS);
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await loop;
      return peak;
    },
  };
}

/** Batch membership from the order revision 2 reached the devices (batch k is written whole before k+1 starts). */
function membersByBatch(fleet: RolloutFleet, rollout: RolloutStatus, revision: number): string[][] {
  const order = [...(fleet.putAt.get(revision) ?? new Map<string, number>()).entries()]
    .sort((a, b) => a[1] - b[1])
    .map(([device]) => device);
  let from = 0;
  return rollout.batches.map((batch) => order.slice(from, (from += batch.devices)));
}

async function measure(
  ctx: BenchContext,
  parts: {
    ids: string[];
    namespace: string;
    operator: Operator;
    fleet: RolloutFleet;
    watch: RolloutWatch;
  },
): Promise<Figure[]> {
  const { ids, namespace, operator, fleet, watch } = parts;
  const size = ids.length;
  await ctx.cluster.create(namespace, NAME, specOf(ids, 1));
  fleet.sim.start();
  await watch.until(
    (r) => completed(1)(r) && r.batches[0]?.updated === size,
    CONVERGE_TIMEOUT_MS,
    `revision 1 running on all ${size} devices`,
  );
  ctx.logger.info({ size }, "revision 1 runs everywhere; measuring the baseline");

  const base0 = await procUsage(operator.pid);
  const baseStarted = performance.now();
  await delay(BASELINE_MS);
  const base1 = await procUsage(operator.pid);
  const baselineCores =
    (base1.cpuSeconds - base0.cpuSeconds) / ((performance.now() - baseStarted) / 1000);

  const load = loadNote();
  const writes0 = fleet.trail.writes();
  const events0 = watch.events;
  const rss = sampleRss(operator);
  const usage0 = await procUsage(operator.pid);
  const t0 = performance.now();
  await ctx.cluster.deployments.mergePatch(namespace, NAME, {
    spec: { score: specOf(ids, 2).score },
  });
  ctx.logger.info("revision 2 applied; rolling out");
  const done = await watch.until(
    (r) => r.revision === 2 && FINAL_PHASES.has(r.phase),
    ROLLOUT_TIMEOUT_MS,
    "revision 2 Completed",
  );
  if (watch.latest?.phase !== "Completed") {
    throw new PartError(`rollout stopped: ${watch.latest?.message ?? ""}`);
  }
  const usage1 = await procUsage(operator.pid);
  const peakRss = await rss.stop();
  const seconds = (done - t0) / 1000;
  const cpuSeconds = usage1.cpuSeconds - usage0.cpuSeconds;
  const rolloutWrites = fleet.trail.writes() - writes0;
  const statusEvents = watch.events - events0;
  ctx.logger.info({ ms: Math.round(done - t0) }, "rollout completed; settling");
  await delay(SETTLE_MS);

  // Completed was seen above, so a status is there (later events only replace it).
  const final = watch.latest;
  const revisions = await ctx.cluster.kc.makeApiClient(AppsV1Api).listNamespacedControllerRevision({
    namespace,
    labelSelector: `${REVISION_DEPLOYMENT_LABEL}=${NAME}`,
  });
  const trail = fleet.trail.summarize(ids, [1, 2]);
  const members = membersByBatch(fleet, final, 2);
  const puts = fleet.putAt.get(2) ?? new Map<string, number>();
  const running = fleet.runningAt.get(2) ?? new Map<string, number>();

  const figures: Figure[] = final.batches.map((batch, index) => {
    const times = watch.times(2, index + 1);
    const batchMembers = members[index] ?? [];
    const restarts = batchMembers.map((d) => (running.get(d) ?? NaN) - (puts.get(d) ?? NaN));
    const putTimes = batchMembers.map((d) => puts.get(d) ?? NaN);
    const lastRunning = Math.max(...batchMembers.map((d) => running.get(d) ?? NaN));
    const ms = (times.judgedAt ?? NaN) - (times.startedAt ?? NaN);
    const floor = Math.max(...restarts);
    return {
      ...valueFigure(`rollout.batch_${index + 1}`, ms, "ms", batch.devices, {
        note:
          `batch seen started → seen ${batch.state} (CR watch): ${batch.devices} devices, ${batch.updated} updated, ` +
          `${batch.failed} failed, ${batch.deferred} deferred; entries written in ${Math.round(Math.max(...putTimes) - Math.min(...putTimes))} ms; ` +
          `last device Running → batch seen judged ${Math.round((times.judgedAt ?? NaN) - lastRunning)} ms; ` +
          `holders of revision 2 when seen started ${times.holdersAtStart ?? "?"}, when judged ${times.holdersAtJudged ?? "?"}`,
      }),
      floor: Math.round(floor),
      ratio: Math.round((ms / floor) * 100) / 100,
    };
  });
  const proofOk =
    trail.asExpected === size &&
    trail.maxLiveRevisions <= 2 &&
    watch.breaches.length === 0 &&
    rolloutWrites === size;
  figures.push(
    valueFigure("rollout.total", seconds * 1000, "ms", size, {
      note:
        `score patched → status.rollout Completed at revision 2 (CR watch), ${final.totalBatches} batches ` +
        `(expected ${TOTAL_BATCHES}); devices restart in ${ctx.env.BENCH_ROLLOUT_UPDATE_MS} ms ±50 %; ${load}`,
    }),
    {
      ...valueFigure("rollout.operator_cpu", cpuSeconds / seconds, "cores", 1, {
        note: `user+sys ${cpuSeconds.toFixed(2)} s over the rollout; floor: heartbeats only (${size} devices / 5 s), ${BASELINE_MS / 1000} s before it`,
      }),
      floor: Math.round(baselineCores * 1000) / 1000,
      ratio: Math.round((cpuSeconds / seconds / baselineCores) * 100) / 100,
    },
    valueFigure("rollout.operator_cpu_seconds", cpuSeconds, "s", 1),
    valueFigure(
      "rollout.operator_rss_max",
      peakRss / 1024 ** 2,
      "MB",
      Math.round((seconds * 1000) / RSS_SAMPLE_MS),
      {
        note: `sampled every ${RSS_SAMPLE_MS} ms over the rollout (/proc VmRSS)`,
      },
    ),
    valueFigure("rollout.devices_1_then_2", trail.asExpected, "devices", size, {
      target: `= ${size}`,
      note:
        `desired-state watch: each device's entry revisions in order; went back ${trail.wentBack}, ` +
        `rewritten ${trail.rewritten}, deleted ${trail.deleted}, otherwise ${trail.otherwise}` +
        (trail.examples.length > 0 ? `; e.g. ${trail.examples.join("; ")}` : ""),
    }),
    valueFigure("rollout.max_live_revisions", trail.maxLiveRevisions, "revisions", 1, {
      target: "≤ 2",
    }),
    valueFigure("rollout.prefix_breaches", watch.breaches.length, "statuses", statusEvents, {
      target: "0",
      note:
        `statuses seen during the rollout where more devices held revision 2 than the started batches hold` +
        (watch.breaches.length > 0 ? `: ${JSON.stringify(watch.breaches.slice(0, 5))}` : ""),
    }),
    valueFigure("rollout.entry_writes", rolloutWrites, "puts", size, {
      target: `= ${size}`,
      note: `desired-state puts and deletes from the score patch to ${SETTLE_MS / 1000} s after Completed; ControllerRevisions of the Deployment: ${revisions.items.length}`,
    }),
  );
  if (!proofOk)
    throw new CheckFailedError(
      "rollout: a device was written out of turn (see the figures)",
      figures,
    );
  return figures;
}

export const rollout: Benchmark = async (ctx) => {
  await installCrd(ctx.connection);
  const bundle = await bundleOperator();
  const id = runId();
  const size = ctx.env.BENCH_ROLLOUT_DEVICES;
  const ids = Array.from({ length: size }, (_, i) => `roll-${i}-${id}`);
  const namespace = await ctx.cluster.namespace("rollout");
  const fleet = await RolloutFleet.open(
    ctx.connection,
    ctx.kv.desired,
    ids,
    { namespace, name: NAME },
    {
      updateMs: ctx.env.BENCH_ROLLOUT_UPDATE_MS,
      logger: ctx.logger,
    },
  );
  ctx.defer(async () => {
    await fleet.stop();
    await fleet.sim.purge();
    await fleet.sim.close();
  });
  const operator = await startOperator(ctx.connection, {
    namespace,
    lease: `rollout-${id}`,
    bundle,
  });
  ctx.defer(() => operator.stop());
  const watch = await RolloutWatch.open(ctx.cluster, namespace, NAME, fleet.trail);
  ctx.defer(async () => {
    watch.close();
    // Deleted while the operator runs, so its finalizer removes the entries and revisions.
    await ctx.cluster.delete(namespace, NAME);
    await waitGone(ctx, namespace);
  });
  return Promise.race([measure(ctx, { ids, namespace, operator, fleet, watch }), operator.died()]);
};

async function waitGone(ctx: BenchContext, namespace: string): Promise<void> {
  await waitUntil(async () => (await ctx.cluster.get(namespace, NAME)) === undefined, {
    what: `${namespace}/${NAME} deleted`,
    timeoutMs: 120_000,
  });
}
