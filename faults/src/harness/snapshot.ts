// Reads the world as it is now, for inconsistencies(): the CRs from the API
// server, the namespace's desired-state entries and every device's heartbeat
// from NATS (as the admin), each running real agent's containers from podman.
import { agentStatusKey, decodeAgentStatus, type AgentStatus } from "@fleet/contracts";
import type { Cluster, Kv, StoredDeployment } from "@fleet/operator/testing/fleet";
import { containersOf } from "@fleet/operator/testing/fleet";
import type { ContainerView, CrView, WorldSnapshot } from "./consistency.js";
import type { DeploymentPlan } from "./workload.js";

export interface SnapshotSources {
  cluster: Cluster;
  kv: Kv;
  namespace: string;
  podmanSocket: string;
  /** Every device of the world. */
  devices: readonly string[];
  /** Real devices whose agent runs now. */
  runningRealDevices: readonly string[];
  simulatedDevices: readonly string[];
  expected: ReadonlyMap<string, DeploymentPlan | undefined>;
}

export async function takeSnapshot(sources: SnapshotSources): Promise<WorldSnapshot> {
  const { cluster, kv, namespace } = sources;
  const listed = (await cluster.deployments.list(namespace)).items as StoredDeployment[];
  const deployments: CrView[] = listed.map((cr) => ({
    name: cr.metadata.name,
    uid: cr.metadata.uid,
    generation: cr.metadata.generation,
    spec: { targetDevices: cr.spec.targetDevices, score: cr.spec.score },
    status: cr.status,
  }));
  const entries = new Map<string, Uint8Array>();
  for (const key of await kv.keys(`*.${namespace}.*`)) {
    const value = await kv.value(key);
    if (value !== undefined) entries.set(key, value);
  }
  const heartbeats = new Map<string, AgentStatus>();
  for (const device of sources.devices) {
    const entry = await kv.status.get(agentStatusKey(device));
    if (entry?.operation === "PUT") heartbeats.set(device, decodeAgentStatus(entry.value));
  }
  const containers = new Map<string, readonly ContainerView[]>();
  for (const device of sources.runningRealDevices)
    containers.set(device, await containersOf(sources.podmanSocket, device));
  return {
    namespace,
    deployments,
    entries,
    upDevices: new Set([...sources.runningRealDevices, ...sources.simulatedDevices]),
    heartbeats,
    containers,
    expected: new Map(sources.expected),
  };
}
