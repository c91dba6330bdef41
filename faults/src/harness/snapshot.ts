// Reads the world as it is now, for inconsistencies(): the CRs from the API
// server, the namespace's desired-state entries and every device's heartbeat
// from NATS (as the admin), each running real agent's containers from podman.
// KV is read through each stream's leader (bucket handles bound without
// direct gets): a direct get may be answered by a replica that lags behind.
import { agentStatusKey, decodeAgentStatus, type AgentStatus } from "@fleet/contracts";
import type { Cluster, StoredDeployment } from "@fleet/operator/testing/fleet";
import type { KV } from "@nats-io/kv";
import { containersOf } from "@fleet/operator/testing/fleet";
import type { ContainerView, CrView, WorldSnapshot } from "./consistency.js";
import type { DeploymentPlan } from "./workload.js";

export interface SnapshotSources {
  cluster: Cluster;
  /** Handles that read through the leader (Kvm.open, no direct gets). */
  desired: KV;
  status: KV;
  namespace: string;
  podmanSocket: string;
  /** Every device of the world. */
  devices: readonly string[];
  /** Real devices whose agent runs now. */
  runningRealDevices: readonly string[];
  simulatedDevices: readonly string[];
  expected: ReadonlyMap<string, DeploymentPlan | undefined>;
}

export interface TakenSnapshot {
  snapshot: WorldSnapshot;
  /** Each entry's revision in the bucket (what the write recorder must have seen). */
  revisions: ReadonlyMap<string, number>;
}

export async function takeSnapshot(sources: SnapshotSources): Promise<TakenSnapshot> {
  const { cluster, desired, status, namespace } = sources;
  const listed = (await cluster.deployments.list(namespace)).items as StoredDeployment[];
  const deployments: CrView[] = listed.map((cr) => ({
    name: cr.metadata.name,
    uid: cr.metadata.uid,
    generation: cr.metadata.generation,
    spec: { targetDevices: cr.spec.targetDevices, score: cr.spec.score },
    status: cr.status,
  }));
  const entries = new Map<string, Uint8Array>();
  const revisions = new Map<string, number>();
  const keys: string[] = [];
  for await (const key of await desired.keys(`*.${namespace}.*`)) keys.push(key);
  for (const key of keys) {
    const entry = await desired.get(key);
    if (entry?.operation !== "PUT") continue;
    entries.set(key, entry.value);
    revisions.set(key, entry.revision);
  }
  const heartbeats = new Map<string, AgentStatus>();
  for (const device of sources.devices) {
    const entry = await status.get(agentStatusKey(device));
    if (entry?.operation === "PUT") heartbeats.set(device, decodeAgentStatus(entry.value));
  }
  const containers = new Map<string, readonly ContainerView[]>();
  for (const device of sources.runningRealDevices)
    containers.set(device, await containersOf(sources.podmanSocket, device));
  return {
    snapshot: {
      namespace,
      deployments,
      entries,
      upDevices: new Set([...sources.runningRealDevices, ...sources.simulatedDevices]),
      heartbeats,
      containers,
      expected: new Map(sources.expected),
    },
    revisions,
  };
}
