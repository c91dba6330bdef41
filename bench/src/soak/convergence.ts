// Whether the soak's Deployments converged: every target device reports the
// Deployment Running for the CR's current generation, as the CR's own status
// says. When one does not, explain() says where it stopped, device by device:
// the desired-state entry in KV (its revision, or none) against what the
// device's last heartbeat reports for it (phase@revision, or nothing), beside
// the CR's aggregate and rollout, so a stale status tells itself apart from a
// device that never got its entry.
import {
  agentStatusKey,
  decodeAgentStatus,
  decodeDesiredState,
  desiredStateKey,
  type DeploymentStatus,
} from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import type { BenchContext } from "../context.js";
import type { Churn } from "./churn.js";

const CONVERGE_TIMEOUT_MS = 120_000;

async function statusOf(
  ctx: BenchContext,
  namespace: string,
  name: string,
): Promise<{ generation?: number; status?: DeploymentStatus } | undefined> {
  const object = await ctx.cluster.deployments.find(namespace, name);
  if (object === undefined) return undefined;
  return {
    generation: object.metadata?.generation,
    status: object.status as DeploymentStatus | undefined,
  };
}

/** The names of the Deployments whose status shows every target Running its current generation. */
export async function convergedNames(
  ctx: BenchContext,
  namespace: string,
  churn: Churn,
): Promise<string[]> {
  const done: string[] = [];
  for (const d of churn.deployments) {
    const read = await statusOf(ctx, namespace, d.name);
    const aggregate = read?.status?.aggregate;
    if (
      read !== undefined &&
      read.status?.observedGeneration === read.generation &&
      aggregate?.succeeded === churn.targetsOf(d.name).length &&
      aggregate.failed === 0 &&
      aggregate.pending === 0
    )
      done.push(d.name);
  }
  return done;
}

export interface Convergence {
  ms: number;
  converged: number;
  /** For each Deployment that did not converge: where it stopped. */
  stuck: Record<string, unknown>;
}

export async function waitConverged(
  ctx: BenchContext,
  namespace: string,
  churn: Churn,
): Promise<Convergence> {
  const t0 = performance.now();
  let done: string[] = [];
  await waitUntil(
    async () => {
      done = await convergedNames(ctx, namespace, churn);
      return done.length === churn.deployments.length;
    },
    { what: "every soak Deployment converged", timeoutMs: CONVERGE_TIMEOUT_MS },
  ).catch((error: unknown) => {
    ctx.logger.warn({ err: error, converged: done.length }, "not every Deployment converged");
  });
  const stuck: Record<string, unknown> = {};
  for (const d of churn.deployments)
    if (!done.includes(d.name)) stuck[d.name] = await explain(ctx, namespace, churn, d.name);
  if (Object.keys(stuck).length > 0) ctx.logger.warn({ stuck }, "where the others stopped");
  return { ms: Math.round(performance.now() - t0), converged: done.length, stuck };
}

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Entry revisions and reports of one Deployment's targets, counted, with a few examples. */
async function explain(
  ctx: BenchContext,
  namespace: string,
  churn: Churn,
  name: string,
): Promise<Record<string, unknown>> {
  const read = await statusOf(ctx, namespace, name);
  const pairs: Record<string, number> = {};
  const examples: string[] = [];
  for (const device of churn.targetsOf(name)) {
    const key = desiredStateKey({ device, namespace, name });
    const entry = await ctx.kv.desired.get(key);
    const revision =
      entry === null || entry.operation !== "PUT"
        ? undefined
        : (decodeDesiredState(entry.value).revision ?? 0);
    const beat = await ctx.kv.status.get(agentStatusKey(device));
    const report =
      beat === null || beat.operation !== "PUT"
        ? undefined
        : decodeAgentStatus(beat.value).deployments[key];
    const given = revision === undefined ? "no entry" : `entry r${String(revision)}`;
    const reported =
      report === undefined ? "not reported" : `${report.phase}@r${String(report.revision ?? "?")}`;
    bump(pairs, `${given} / ${reported}`);
    const fine = report?.phase === "Running" && report.revision === revision;
    if (!fine && examples.length < 3) examples.push(`${device}: ${given} / ${reported}`);
  }
  const rollout = read?.status?.rollout;
  return {
    generation: read?.generation,
    observedGeneration: read?.status?.observedGeneration,
    aggregate: read?.status?.aggregate && {
      succeeded: read.status.aggregate.succeeded,
      failed: read.status.aggregate.failed,
      pending: read.status.aggregate.pending,
      unreported: read.status.aggregate.unreported,
    },
    rollout: rollout && {
      phase: rollout.phase,
      revision: rollout.revision,
      stableRevision: rollout.stableRevision,
      currentBatch: rollout.currentBatch,
    },
    targets: pairs,
    examples,
  };
}
