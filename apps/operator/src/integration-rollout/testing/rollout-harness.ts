// The world of the rollout tests: the real operator (a child process, fast
// heartbeat knobs), a fleet of real agents on podman, and per test one
// Deployment with its timeline. Helpers read the CR's status.rollout and the
// devices' containers; they await conditions, they never sleep.
import {
  CONDITION_DEGRADED,
  deploymentDesiredStateFilter,
  desiredStateKey,
  deviceStatusSchema,
  type Condition,
  type DeploymentSpecInput,
  type RolloutSpecInput,
  type RolloutStatus,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { nginxImageRef, waitUntil } from "@fleet/local-platform/testing";
import pino from "pino";
import { installCrd } from "../../install.js";
import { Cluster, Kv, runId, type StoredDeployment } from "../../testing/fixtures.js";
import { startOperator, type OperatorProcess } from "../../testing/operator-process.js";
import { AgentFleet } from "./agent-fleet.js";
import { deploymentContainers, type DeviceContainer } from "./podman.js";
import { RolloutTimeline } from "./timeline.js";

/** The operator's heartbeat knobs: a device is unreported 3 s after its last heartbeat (agents beat every 1 s). */
const HEARTBEAT = "1000ms";
const STALENESS = "3000ms";
export const WAIT_MS = 45_000;

/** The image every device runs before a rollout; the good new one; one nothing can pull. */
export const IMAGE_OLD = nginxImageRef("1.0");
export const IMAGE_NEW = nginxImageRef("1.1");
/** Nothing serves a registry on localhost here: the agent's pull fails at once, every time. */
export const IMAGE_UNPULLABLE = "localhost/fleet-rollout-does-not-exist:1";

/**
 * One nginx per device, no host port: every agent of the fleet shares this
 * host's network, so a published port would clash between them. Devices are
 * probed through podman instead (their container, its image and state).
 */
export function webScore(
  image: string,
  env?: Record<string, string>,
): DeploymentSpecInput["score"] {
  return {
    PodmanV0: { services: [{ name: "web", image, ...(env === undefined ? {} : { env }) }] },
  };
}

export interface TestDeployment {
  name: string;
  timeline: RolloutTimeline;
  key(device: string): string;
}

export class RolloutHarness {
  private constructor(
    readonly cluster: Cluster,
    readonly kv: Kv,
    readonly namespace: string,
    readonly fleet: AgentFleet,
    readonly operator: OperatorProcess,
    private readonly devicesApi: DeviceClient,
  ) {}

  static async start(size: number): Promise<RolloutHarness> {
    const cluster = await Cluster.connect();
    const kv = await Kv.connect();
    await installCrd(cluster.kc, pino({ level: "silent" }), 60_000);
    const namespace = await cluster.namespace("rollout");
    const fleet = await AgentFleet.start({ size, prefix: "ro" });
    const operator = await startOperator(`op-rollout-${runId}`, [
      "--namespace",
      namespace,
      "--lease-name",
      `it-rollout-${runId}`,
      "--heartbeat-period",
      HEARTBEAT,
      "--staleness-window",
      STALENESS,
    ]);
    const harness = new RolloutHarness(
      cluster,
      kv,
      namespace,
      fleet,
      operator,
      DeviceClient.forKubeConfig(cluster.kc),
    );
    await operator.waitForState("leading", 60_000);
    await harness.waitForOnline(fleet.devices);
    return harness;
  }

  get devices(): string[] {
    return this.fleet.devices;
  }

  /** Creates a Deployment of `score` on the whole fleet, its timeline watching from before the first write. */
  async deploy(
    name: string,
    score: DeploymentSpecInput["score"],
    rollout?: RolloutSpecInput,
  ): Promise<TestDeployment> {
    const timeline = await RolloutTimeline.watch(
      this.kv,
      { namespace: this.namespace, name },
      this.devices,
    );
    await this.cluster.create(this.namespace, name, {
      targetDevices: this.devices,
      score,
      ...(rollout === undefined ? {} : { rollout }),
    });
    return {
      name,
      timeline,
      key: (device) => desiredStateKey({ device, namespace: this.namespace, name }),
    };
  }

  /**
   * Creates the Deployment on `IMAGE_OLD` and waits until revision 1 is the
   * stable one and every device runs it: the starting point of a rollout.
   */
  async deployStable(name: string, rollout: RolloutSpecInput): Promise<TestDeployment> {
    const deployment = await this.deploy(name, webScore(IMAGE_OLD), rollout);
    await this.waitForRollout(
      name,
      (r) => r.phase === "Completed" && r.stableRevision === 1,
      "revision 1 Completed (the first revision goes everywhere at once)",
    );
    await deployment.timeline.until(
      () => this.devices.every((d) => deployment.timeline.runs(d, 1)),
      "every device running revision 1",
      WAIT_MS,
    );
    return deployment;
  }

  async cr(name: string): Promise<StoredDeployment> {
    const cr = await this.cluster.get(this.namespace, name);
    if (cr === undefined) throw new Error(`Deployment ${this.namespace}/${name} is gone`);
    return cr;
  }

  async rollout(name: string): Promise<RolloutStatus | undefined> {
    return (await this.cr(name)).status?.rollout;
  }

  async degraded(name: string): Promise<Condition | undefined> {
    return (await this.cr(name)).status?.conditions.find((c) => c.type === CONDITION_DEGRADED);
  }

  /** Polls the CR until its status.rollout matches; returns it. */
  async waitForRollout(
    name: string,
    match: (rollout: RolloutStatus) => boolean,
    what: string,
    timeoutMs = WAIT_MS,
  ): Promise<RolloutStatus> {
    let last: RolloutStatus | undefined;
    await waitUntil(
      async () => {
        last = await this.rollout(name);
        return last !== undefined && match(last);
      },
      {
        what,
        timeoutMs,
        get hint() {
          return `last status.rollout: ${JSON.stringify(last)}`;
        },
      },
    );
    if (last === undefined) throw new Error(`${what}: no status.rollout`);
    return last;
  }

  async patchSpec(name: string, spec: Partial<DeploymentSpecInput>): Promise<void> {
    await this.cluster.patchSpec(this.namespace, name, spec);
  }

  /** A merge patch of the CR (annotations: the rollout commands). */
  async patch(name: string, body: Record<string, unknown>): Promise<void> {
    await this.cluster.deployments.mergePatch(this.namespace, name, body);
  }

  async containers(deployment: TestDeployment, device: string): Promise<DeviceContainer[]> {
    return deploymentContainers(this.fleet.podmanSocket, device, deployment.key(device));
  }

  /** Waits until the operator holds each device Online (status.connectivity of its Device). */
  async waitForOnline(devices: readonly string[]): Promise<void> {
    await this.waitForConnectivity(devices, "Online");
  }

  async waitForConnectivity(
    devices: readonly string[],
    connectivity: "Online" | "Offline",
  ): Promise<void> {
    for (const device of devices)
      await waitUntil(
        async () =>
          deviceStatusSchema.safeParse((await this.devicesApi.get(device)).status).data
            ?.connectivity === connectivity,
        { what: `Device ${device} ${connectivity}`, timeoutMs: WAIT_MS },
      );
  }

  /** Deletes the Deployment and waits until its entries and every device's containers are gone. */
  async remove(deployment: TestDeployment): Promise<void> {
    deployment.timeline.stop();
    await this.cluster.deployments.deleteIfPresent(this.namespace, deployment.name);
    const filter = deploymentDesiredStateFilter({
      namespace: this.namespace,
      name: deployment.name,
    });
    await waitUntil(async () => (await this.kv.keys(filter)).length === 0, {
      what: `desired state of ${deployment.name} removed`,
      timeoutMs: WAIT_MS,
    });
    for (const device of this.devices)
      if (this.fleet.agent(device).running())
        await waitUntil(async () => (await this.containers(deployment, device)).length === 0, {
          what: `${device}'s container of ${deployment.name} removed`,
          timeoutMs: WAIT_MS,
        });
  }

  async stop(): Promise<void> {
    await this.operator.stop();
    await this.cluster.cleanup();
    await this.fleet.stop(this.kv);
    await this.kv.cleanup([this.namespace]);
    await this.kv.close();
  }
}
