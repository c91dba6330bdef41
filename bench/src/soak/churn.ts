// The soak's churn: BENCH_SOAK_DEPLOYMENTS Deployments over the simulated
// devices, the first four also on the one real agent (each its own host port),
// every other one with a staged rollout (two batches). One operation at a time,
// picked at random: upgrade (a new revision of the score), retarget (another
// random set of simulated devices), recreate (delete, wait until the finalizer
// let it go, create again), or silence (one simulated device skips its
// heartbeats for 30 s, so it goes unreported and comes back).
import type { DeploymentSpecInput } from "@fleet/contracts";
import { freePort, waitUntil } from "@fleet/local-platform/testing";
import type { Cluster } from "../cluster.js";
import type { Logger } from "../logger.js";
import { nginxScore } from "../spec.js";
import type { SoakFleet } from "./soak-fleet.js";

export const CHURN_OPERATIONS = ["upgrade", "retarget", "recreate", "silence"] as const;
export type ChurnOperation = (typeof CHURN_OPERATIONS)[number];

/** Out of 20: upgrades are the common change, recreates the heaviest. */
const WEIGHTS: Record<ChurnOperation, number> = {
  upgrade: 10,
  retarget: 5,
  recreate: 3,
  silence: 2,
};
const ON_AGENT = 4;
const SILENCE_MS = 30_000;
const GONE_TIMEOUT_MS = 120_000;

interface SoakDeployment {
  name: string;
  hostPort: number;
  onAgent: boolean;
  staged: boolean;
  generation: number;
  targets: string[];
}

export interface ChurnFailure {
  at: string;
  operation: ChurnOperation;
  name: string;
  message: string;
}

function sample<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}

function pick(): ChurnOperation {
  let roll = Math.random() * Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  for (const operation of CHURN_OPERATIONS) {
    roll -= WEIGHTS[operation];
    if (roll < 0) return operation;
  }
  return "upgrade";
}

export class Churn {
  readonly counts: Record<ChurnOperation, number> = {
    upgrade: 0,
    retarget: 0,
    recreate: 0,
    silence: 0,
  };
  readonly failures: ChurnFailure[] = [];
  readonly deployments: SoakDeployment[] = [];

  constructor(
    private readonly parts: {
      cluster: Cluster;
      namespace: string;
      fleet: SoakFleet;
      agentDevice: string;
      devicesPerDeployment: number;
      logger: Logger;
    },
  ) {}

  #specOf(d: SoakDeployment): DeploymentSpecInput {
    return {
      targetDevices: d.onAgent ? [this.parts.agentDevice, ...d.targets] : d.targets,
      score: nginxScore(d.hostPort, { SOAK_GENERATION: String(d.generation) }),
      ...(d.staged ? { rollout: { batches: [{ percentage: 50 }], batchTimeout: "2m" } } : {}),
    };
  }

  #targets(): string[] {
    return sample(this.parts.fleet.ids, this.parts.devicesPerDeployment);
  }

  /** Creates the Deployments, each with its own host port (the agent's share one podman). */
  async createAll(count: number): Promise<void> {
    const ports = new Set<number>();
    while (ports.size < count) ports.add(await freePort());
    for (const [i, hostPort] of [...ports].entries()) {
      const d: SoakDeployment = {
        name: `soak-${String(i).padStart(2, "0")}`,
        hostPort,
        onAgent: i < ON_AGENT,
        staged: i % 2 === 1,
        generation: 1,
        targets: this.#targets(),
      };
      this.deployments.push(d);
      await this.parts.cluster.create(this.parts.namespace, d.name, this.#specOf(d));
    }
  }

  /** The devices a Deployment targets now (the agent's first). */
  targetsOf(name: string): string[] {
    const d = this.deployments.find((x) => x.name === name);
    return d === undefined ? [] : (this.#specOf(d).targetDevices ?? []);
  }

  /** One random operation on one random Deployment; a failure is recorded, not thrown. */
  async step(): Promise<void> {
    const operation = pick();
    const d = this.deployments[Math.floor(Math.random() * this.deployments.length)];
    if (d === undefined) return;
    try {
      await this.#run(operation, d);
      this.counts[operation] += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failures.push({ at: new Date().toISOString(), operation, name: d.name, message });
      this.parts.logger.warn({ operation, name: d.name, err: error }, "churn operation failed");
    }
  }

  async #run(operation: ChurnOperation, d: SoakDeployment): Promise<void> {
    const { cluster, namespace, fleet } = this.parts;
    switch (operation) {
      case "upgrade":
        d.generation += 1;
        await cluster.deployments.mergePatch(namespace, d.name, {
          spec: { score: this.#specOf(d).score },
        });
        return;
      case "retarget":
        d.targets = this.#targets();
        await cluster.deployments.mergePatch(namespace, d.name, {
          spec: { targetDevices: this.#specOf(d).targetDevices },
        });
        return;
      case "recreate":
        await cluster.delete(namespace, d.name);
        // The finalizer removes its entries first; only then may the name be reused.
        await waitUntil(async () => (await cluster.get(namespace, d.name)) === undefined, {
          what: `${namespace}/${d.name} deleted`,
          timeoutMs: GONE_TIMEOUT_MS,
        });
        d.generation += 1;
        d.targets = this.#targets();
        await cluster.create(namespace, d.name, this.#specOf(d));
        return;
      case "silence":
        fleet.silence(sample(fleet.ids, 1)[0] ?? "", SILENCE_MS);
        return;
    }
  }

  /** Deletes every Deployment (while the operator runs, so its finalizer removes the entries). */
  async deleteAll(): Promise<void> {
    const { cluster, namespace } = this.parts;
    for (const d of this.deployments) await cluster.delete(namespace, d.name);
    await waitUntil(
      async () => {
        for (const d of this.deployments)
          if ((await cluster.get(namespace, d.name)) !== undefined) return false;
        return true;
      },
      { what: "every soak Deployment deleted", timeoutMs: GONE_TIMEOUT_MS },
    );
  }
}
