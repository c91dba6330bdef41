// What "consistent" means after a fault, as one pure function over a snapshot
// of the world (unit-tested in consistency.test.ts): the CRs are what the load
// driver got accepted, the KV holds each CR's revision on exactly its devices,
// every running agent's containers match its KV entries, every CR's status
// agrees with the agents' heartbeats, and no entry was written twice.
import {
  canonicalJson,
  decodeDesiredState,
  desiredStateKey,
  parseDesiredStateKey,
  scoreSchema,
  type AgentStatus,
  type DeploymentStatus,
} from "@fleet/contracts";
import type { HistoryOp } from "./desired-history.js";
import { specOf, type DeploymentPlan } from "./workload.js";

export interface CrView {
  name: string;
  uid: string;
  generation: number;
  spec: { targetDevices?: readonly string[] | undefined; score: unknown };
  status?: DeploymentStatus | undefined;
}

export interface ContainerView {
  id: string;
  state: string;
  image: string;
  deploymentKey: string | undefined;
}

export interface WorldSnapshot {
  namespace: string;
  /** The Deployment CRs in the namespace (deleting ones included). */
  deployments: readonly CrView[];
  /** Every desired-state entry of the namespace, by key. */
  entries: ReadonlyMap<string, Uint8Array>;
  /** Devices whose agent runs (simulated ones, and real ones not stopped). */
  upDevices: ReadonlySet<string>;
  /** Last heartbeat of each device of the world. */
  heartbeats: ReadonlyMap<string, AgentStatus>;
  /** Containers of each running real agent (every namespace's). */
  containers: ReadonlyMap<string, readonly ContainerView[]>;
  /** What the load driver last got accepted: a plan, or undefined once deleted. */
  expected: ReadonlyMap<string, DeploymentPlan | undefined>;
}

const sameScore = (a: unknown, b: unknown): boolean =>
  canonicalJson(scoreSchema.parse(a)) === canonicalJson(scoreSchema.parse(b));

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** Everything that disagrees; empty when the world is consistent. */
export function inconsistencies(world: WorldSnapshot): string[] {
  const problems: string[] = [];
  const crs = new Map(world.deployments.map((cr) => [cr.name, cr]));
  for (const [name, plan] of world.expected) {
    const cr = crs.get(name);
    if (plan === undefined) {
      if (cr !== undefined) problems.push(`${name}: deleted, but its CR is still there`);
    } else if (cr === undefined) problems.push(`${name}: applied, but its CR is gone (write lost)`);
    else problems.push(...planProblems(name, plan, cr));
  }
  const owned = new Set<string>();
  for (const cr of world.deployments) {
    for (const problem of crProblems(world, cr, owned)) problems.push(`${cr.name}: ${problem}`);
  }
  for (const key of world.entries.keys())
    if (!owned.has(key)) problems.push(`${key}: KV entry of no live Deployment`);
  for (const [device, containers] of world.containers)
    problems.push(...containerProblems(world, device, containers));
  return problems;
}

function planProblems(name: string, plan: DeploymentPlan, cr: CrView): string[] {
  const problems: string[] = [];
  const wanted = specOf(plan);
  if (!sameScore(wanted.score, cr.spec.score))
    problems.push(`${name}: CR score is not the last one applied (version ${plan.version})`);
  const targets = [...(cr.spec.targetDevices ?? [])].sort().join(",");
  if (targets !== [...plan.devices].sort().join(","))
    problems.push(`${name}: CR targets [${targets}], not the devices last applied`);
  return problems;
}

function crProblems(world: WorldSnapshot, cr: CrView, owned: Set<string>): string[] {
  const problems: string[] = [];
  const { status } = cr;
  if (status?.observedGeneration !== cr.generation)
    problems.push(
      `observedGeneration ${status?.observedGeneration} != generation ${cr.generation}`,
    );
  const rollout = status?.rollout;
  if (
    rollout !== undefined &&
    (rollout.phase !== "Completed" || rollout.stableRevision !== rollout.revision)
  )
    problems.push(
      `rollout ${rollout.phase} at revision ${rollout.revision} (stable ${rollout.stableRevision})`,
    );
  const targets = cr.spec.targetDevices ?? [];
  let payload: Uint8Array | undefined;
  let succeeded = 0;
  for (const device of targets) {
    const key = desiredStateKey({ device, namespace: world.namespace, name: cr.name });
    owned.add(key);
    const value = world.entries.get(key);
    if (value === undefined) {
      problems.push(`${device}: no KV entry`);
      continue;
    }
    payload ??= value;
    if (!sameBytes(payload, value))
      problems.push(`${device}: entry bytes differ from other devices'`);
    const entry = decodeDesiredState(value);
    if (entry.deployment.uid !== cr.uid) problems.push(`${device}: entry of another CR (uid)`);
    if (!sameScore(entry.score, cr.spec.score))
      problems.push(`${device}: entry is not the CR's score`);
    if (rollout !== undefined && entry.revision !== rollout.revision)
      problems.push(`${device}: entry revision ${entry.revision} != ${rollout.revision}`);
    if (!world.upDevices.has(device)) continue;
    const report = world.heartbeats.get(device)?.deployments[key];
    if (report?.phase !== "Running" || report.revision !== entry.revision)
      problems.push(
        `${device}: heartbeat says ${report?.phase} at revision ${report?.revision}, entry is ${entry.revision}`,
      );
    else succeeded++;
  }
  const aggregate = status?.aggregate;
  const expected = { matchedDevices: targets.length, succeeded, failed: 0, pending: 0 };
  const actual = {
    matchedDevices: aggregate?.matchedDevices,
    succeeded: aggregate?.succeeded,
    failed: aggregate?.failed,
    pending: aggregate?.pending,
  };
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    problems.push(
      `status.aggregate ${JSON.stringify(actual)}, heartbeats say ${JSON.stringify(expected)}`,
    );
  return problems;
}

function containerProblems(
  world: WorldSnapshot,
  device: string,
  containers: readonly ContainerView[],
): string[] {
  const problems: string[] = [];
  const mine = containers.filter(
    (c) =>
      c.deploymentKey !== undefined &&
      parseDesiredStateKey(c.deploymentKey).namespace === world.namespace,
  );
  const keys = new Set(
    [...world.entries.keys()].filter((k) => parseDesiredStateKey(k).device === device),
  );
  for (const key of keys) {
    const held = mine.filter((c) => c.deploymentKey === key);
    const image = decodeDesiredState(world.entries.get(key) ?? new Uint8Array()).score.PodmanV0
      .services[0]?.image;
    if (held.length !== 1) problems.push(`${key}: ${held.length} containers on ${device}, want 1`);
    for (const container of held)
      if (container.state !== "running" || container.image !== image)
        problems.push(
          `${key}: container ${container.state} on ${container.image}, want running ${image}`,
        );
  }
  for (const container of mine)
    if (container.deploymentKey !== undefined && !keys.has(container.deploymentKey))
      problems.push(`${container.deploymentKey}: container on ${device} without a KV entry`);
  return problems;
}

/** Containers recreated although their entry did not change between two snapshots. */
export function recreatedContainers(before: WorldSnapshot, after: WorldSnapshot): string[] {
  const problems: string[] = [];
  for (const [device, containers] of after.containers) {
    const earlier = before.containers.get(device) ?? [];
    for (const container of containers) {
      const key = container.deploymentKey;
      if (key === undefined) continue;
      const then = before.entries.get(key);
      const now = after.entries.get(key);
      if (then === undefined || now === undefined || !sameBytes(then, now)) continue;
      const previous = earlier.find((c) => c.deploymentKey === key);
      if (previous !== undefined && previous.id !== container.id)
        problems.push(`${key}: container recreated on ${device} although its entry did not change`);
    }
  }
  return problems;
}

/** Keys written twice in a row with the same bytes (a write applied twice). */
export function repeatedWrites(history: readonly HistoryOp[]): string[] {
  const last = new Map<string, HistoryOp>();
  const problems: string[] = [];
  for (const op of history) {
    const previous = last.get(op.key);
    if (
      previous?.operation === "PUT" &&
      op.operation === "PUT" &&
      sameBytes(previous.value, op.value)
    )
      problems.push(`${op.key}: the same entry written twice (seq ${previous.seq} and ${op.seq})`);
    last.set(op.key, op);
  }
  return problems;
}
