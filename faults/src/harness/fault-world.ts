// The world a fault scenario runs in: the real operator as a leader and a
// standby, real agents on podman (provisioned devices, let into NATS by the
// identity service's auth callout), simulated agents for scale, a load
// driver, and the watch that records every desired-state write. After a
// fault, expectConsistent() waits for the world to settle and then holds it
// to every rule of consistency.ts. A scenario that runs an agent of its own
// (the agent's fault scenarios: a skewed clock, a full data dir, its own
// identity replicas) starts a world with no real agents and adopts its
// device, so that device is held to the same rules.
import { installCrd } from "@fleet/operator";
import { AgentFleet, Cluster, Kv, runId } from "@fleet/operator/testing/fleet";
import { connectAsAdmin, platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { DeviceClient } from "@fleet/kube";
import {
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  deviceStatusSchema,
  type RolloutStatus,
} from "@fleet/contracts";
import { Kvm } from "@nats-io/kv";
import { createLogger } from "@fleet/runtime";
import type { NatsConnection } from "@nats-io/transport-node";
import { expect } from "vitest";
import {
  inconsistencies,
  recreatedContainers,
  repeatedWrites,
  type WorldSnapshot,
} from "./consistency.js";
import { DesiredHistory } from "./desired-history.js";
import { DeviceLinks } from "./device-links.js";
import { LoadDriver } from "./load-driver.js";
import { natsClusterSize, ensureReplicatedBuckets } from "./nats-cluster.js";
import { OperatorPair } from "./operator-pair.js";
import { SimulatedAgents } from "./simulated-agents.js";
import { takeSnapshot, type TakenSnapshot } from "./snapshot.js";

export interface FaultWorldOptions {
  /** Names the namespace and the lease, and prefixes the device ids (a short DNS label). */
  name: string;
  /** Real agents on podman (default 2). With 0, no AgentFleet and no identity replica of its own. */
  realAgents?: number;
  /** Each real agent reaches NATS through its own Toxiproxy link (`world.links`); default false. */
  deviceLinks?: boolean;
  /** Simulated agents (default 12). */
  simulatedAgents?: number;
  /** The operators' lease (default 6s, renewed every 1s). */
  leaseDuration?: string;
  /** Extra operator flags, after the defaults (a later flag wins: e.g. another staleness window). */
  operatorArgs?: readonly string[];
}

/** Agents beat every second; a device is unreported 4 s after its last heartbeat. */
const OPERATOR_ARGS = ["--heartbeat-period", "1000ms", "--staleness-window", "4000ms"];

export class FaultWorld {
  #last: WorldSnapshot | undefined;
  /** Devices whose agent the scenario runs itself -> whether it runs now. */
  readonly #adopted = new Map<string, () => boolean>();

  private constructor(
    readonly cluster: Cluster,
    readonly kv: Kv,
    /** The platform admin's connection (every right): stream info, step-downs. */
    readonly admin: NatsConnection,
    readonly namespace: string,
    readonly replicas: number,
    readonly history: DesiredHistory,
    private readonly realFleet: AgentFleet | undefined,
    readonly simulated: SimulatedAgents,
    readonly operators: OperatorPair,
    readonly load: LoadDriver,
    /** The real devices' Toxiproxy links (empty unless started with `deviceLinks`). */
    readonly links: DeviceLinks,
    /** The platform's podman, where every real agent (fleet or adopted) runs its containers. */
    readonly podmanSocket: string,
  ) {}

  static async start(options: FaultWorldOptions): Promise<FaultWorld> {
    const connection = await platformConnection();
    const replicas = await natsClusterSize(connection);
    const admin = await connectAsAdmin({ maxReconnectAttempts: -1, name: "fault-world" });
    // Before anything opens them: buckets as production has them (R3 on three nodes).
    await ensureReplicatedBuckets(admin, replicas);
    const cluster = await Cluster.connect();
    const kv = await Kv.connect();
    await installCrd(cluster.kc, createLogger({ level: "silent", name: "faults" }), 60_000);
    const namespace = await cluster.namespace(options.name);
    const history = await DesiredHistory.start(admin, namespace);
    const suffix = runId.slice(-5);
    const simulatedIds = Array.from(
      { length: options.simulatedAgents ?? 12 },
      (_, i) => `${options.name}-sim-${suffix}-${i}`,
    );
    // Independent, and each takes seconds on a busy machine: started side by side.
    const links = new DeviceLinks(connection.natsUrls);
    const realAgents = options.realAgents ?? 2;
    const [fleet, simulated, operators] = await Promise.all([
      realAgents === 0
        ? undefined
        : AgentFleet.start({
            size: realAgents,
            prefix: options.name,
            ...(options.deviceLinks === true && {
              natsServers: (device: string) => links.create(device),
            }),
          }),
      SimulatedAgents.start(simulatedIds),
      OperatorPair.start({
        namespace,
        lease: `${options.name}-${runId}`,
        ...(options.leaseDuration === undefined ? {} : { leaseDuration: options.leaseDuration }),
        args: [...OPERATOR_ARGS, ...(options.operatorArgs ?? [])],
      }),
    ]);
    const world = new FaultWorld(
      cluster,
      kv,
      admin,
      namespace,
      replicas,
      history,
      fleet,
      simulated,
      operators,
      new LoadDriver(cluster.deployments, namespace),
      links,
      connection.podmanSocket,
    );
    await world.#waitOnline(fleet?.devices ?? []);
    return world;
  }

  /** The real agents the world started (throws if it was started with none). */
  get fleet(): AgentFleet {
    if (this.realFleet === undefined) throw new Error("this world was started with realAgents: 0");
    return this.realFleet;
  }

  /**
   * Holds a device whose agent the scenario runs itself (on the platform's
   * podman) to the same rules as the fleet's: its entries, heartbeat and,
   * while `running()`, its containers. The scenario cleans it up.
   */
  adopt(device: string, running: () => boolean): void {
    this.#adopted.set(device, running);
  }

  /** Real devices: the fleet's, then the adopted ones. */
  get realDevices(): string[] {
    return [...(this.realFleet?.devices ?? []), ...this.#adopted.keys()];
  }

  #running(device: string): boolean {
    return this.#adopted.get(device)?.() ?? this.fleet.agent(device).running();
  }

  get simulatedDevices(): readonly string[] {
    return this.simulated.devices;
  }

  get devices(): string[] {
    return [...this.realDevices, ...this.simulatedDevices];
  }

  /** The real devices' Device CRs say Online (the operator heard their heartbeats). */
  async #waitOnline(devices: readonly string[]): Promise<void> {
    const api = DeviceClient.forKubeConfig(this.cluster.kc);
    for (const device of devices)
      await waitUntil(
        async () =>
          deviceStatusSchema.safeParse((await api.get(device)).status).data?.connectivity ===
          "Online",
        { what: `Device ${device} Online`, timeoutMs: 60_000 },
      );
  }

  /** The world now, read through each stream's leader. */
  async snapshot(): Promise<TakenSnapshot> {
    const kvm = new Kvm(this.admin);
    return takeSnapshot({
      cluster: this.cluster,
      desired: await kvm.open(BUCKET_DESIRED_STATE),
      status: await kvm.open(BUCKET_AGENT_STATUS),
      namespace: this.namespace,
      podmanSocket: this.podmanSocket,
      devices: this.devices,
      runningRealDevices: this.realDevices.filter((d) => this.#running(d)),
      simulatedDevices: this.simulatedDevices,
      expected: this.load.expected(),
    });
  }

  /**
   * Waits until the world is consistent (timeoutMs), then asserts it: every
   * rule of inconsistencies(), no desired-state entry written twice, and no
   * container recreated whose entry did not change since the last check.
   */
  async expectConsistent(timeoutMs = 90_000): Promise<WorldSnapshot> {
    let taken: TakenSnapshot | undefined;
    let problems: string[] = [];
    const startedAt = performance.now();
    let reportedAt = startedAt;
    await waitUntil(
      async () => {
        taken = await this.snapshot();
        problems = inconsistencies(taken.snapshot);
        // A slow recovery says what it is still waiting for (the log of a run shows where time went).
        if (problems.length > 0 && performance.now() - reportedAt > 10_000) {
          reportedAt = performance.now();
          const waited = Math.round((reportedAt - startedAt) / 1000);
          console.log(
            `[faults] after ${waited}s, ${problems.length} inconsistencies, e.g. ${problems.slice(0, 3).join(" | ")}`,
          );
        }
        return problems.length === 0;
      },
      { what: "a consistent world", timeoutMs, intervalMs: 500 },
    ).catch(() => undefined);
    expect(problems, "the world after the fault").toEqual([]);
    if (taken === undefined) throw new Error("no snapshot was taken");
    const { snapshot, revisions } = taken;
    const history = await this.history.read(revisions);
    expect(repeatedWrites(history), "desired-state writes applied twice").toEqual([]);
    if (this.#last !== undefined)
      expect(recreatedContainers(this.#last, snapshot), "containers recreated").toEqual([]);
    this.#last = snapshot;
    return snapshot;
  }

  /** Polls the CR until its status.rollout matches; returns it. */
  async waitForRollout(
    name: string,
    match: (rollout: RolloutStatus) => boolean,
    what: string,
    timeoutMs = 120_000,
  ): Promise<RolloutStatus> {
    let last: RolloutStatus | undefined;
    await waitUntil(
      async () => {
        last = (await this.cluster.get(this.namespace, name))?.status?.rollout;
        return last !== undefined && match(last);
      },
      {
        what: `${name}: ${what}`,
        timeoutMs,
        get hint() {
          return `last status.rollout: ${JSON.stringify(last)}`;
        },
      },
    );
    if (last === undefined) throw new Error(`${name}: no status.rollout`);
    return last;
  }

  async stop(): Promise<void> {
    await this.operators.stop();
    await this.history.stop();
    await this.simulated.stop();
    await this.cluster.cleanup();
    await this.realFleet?.stop(this.kv);
    await this.links.removeAll();
    await this.kv.cleanup([this.namespace]);
    await this.kv.close();
    await this.admin.close();
  }
}
