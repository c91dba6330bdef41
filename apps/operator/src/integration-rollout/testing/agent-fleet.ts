// A small fleet of REAL devices for the rollout tests: each provisioned as
// `iot-operator device add` does it (an IdP machine user with its own key, a
// Device CR), and each running the real agent as a child process (`node
// --import tsx <the agent's bin>`, as the bench runs it) with its own
// credential file, data dir and heartbeat, against the platform's NATS (let in
// by the identity service's auth callout) and podman. A test stops and starts
// single agents to take a device offline and bring it back.
import { agentStatusKey } from "@fleet/contracts";
import { startPlatformIdentity, type PlatformIdentity } from "@fleet/identity/testing";
import { platformConnection, type PlatformConnection } from "@fleet/local-platform/testing";
import { provisionTestDevice, type TestDevice } from "@fleet/provisioning/testing";
import { execa, type ResultPromise } from "execa";
import { appendFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Kv } from "../../testing/fixtures.js";
import { removeDeviceContainers } from "./podman.js";

/**
 * The agent's bin, found through its package (as the bench finds it). Not a
 * declared dependency: @fleet/agent's own tests depend on @fleet/operator.
 */
const AGENT_MAIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");
const AGENT_DIR = dirname(dirname(AGENT_MAIN));

export interface FleetAgent {
  readonly device: string;
  /** True while its agent process runs. */
  running(): boolean;
  /** Starts its agent (again), with the same credential file and data dir. */
  start(): void;
  /** Stops its agent: SIGKILL is a device losing power, SIGTERM a clean shutdown. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The agent's last log lines (for failure messages). */
  logs(): string[];
}

class AgentProcess implements FleetAgent {
  #child: ResultPromise | undefined;
  #exited = true;
  #logs: string[] = [];
  readonly #logFile: string;

  constructor(
    readonly device: string,
    private readonly argv: readonly string[],
  ) {
    this.#logFile = join(tmpdir(), `iot-agent-rollout-it-${device}.log`);
  }

  running(): boolean {
    return !this.#exited;
  }

  start(): void {
    if (this.running()) return;
    const child = execa(process.execPath, ["--import", "tsx", AGENT_MAIN, ...this.argv], {
      cwd: AGENT_DIR,
      reject: false,
      buffer: false,
      // The flags are the whole configuration: no IOT_AGENT_* from the test's environment.
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: process.env.AGENT_TEST_LOG_LEVEL ?? "warn" },
      extendEnv: false,
    });
    const collect = (chunk: Buffer): void => {
      appendFileSync(this.#logFile, chunk);
      for (const line of chunk.toString().split("\n"))
        if (line.trim() !== "") this.#logs.push(line);
      if (this.#logs.length > 200) this.#logs.splice(0, this.#logs.length - 200);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    this.#child = child;
    this.#exited = false;
    void child.then(() => {
      if (this.#child === child) this.#exited = true;
    });
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    if (!this.#exited) child.kill(signal);
    await child;
    this.#exited = true;
  }

  logs(): string[] {
    return [...this.#logs];
  }
}

export interface AgentFleetOptions {
  /** Devices in the fleet (the issue asks for 6-10). */
  size: number;
  /** Prefix of the device ids (a random suffix keeps runs apart). */
  prefix: string;
  heartbeatSeconds?: number;
  /**
   * The NATS servers a device's agent uses instead of its credential file's (the fault
   * suite gives each agent its own Toxiproxy link); undefined: the credential file's.
   */
  natsServers?: (device: string) => Promise<string[] | undefined>;
}

export class AgentFleet {
  private constructor(
    private readonly identity: PlatformIdentity,
    private readonly provisioned: readonly TestDevice[],
    private readonly agents: ReadonlyMap<string, AgentProcess>,
    private readonly dataDirs: readonly string[],
    private readonly connection: PlatformConnection,
  ) {}

  /** Provisions the devices and starts every agent; call `stop` in afterAll. */
  static async start(options: AgentFleetOptions): Promise<AgentFleet> {
    const connection = await platformConnection();
    // The auth callout: what lets a device's agent into NATS as itself.
    const identity = await startPlatformIdentity({ connection });
    const suffix = Date.now().toString(36).slice(-5);
    const ids = Array.from({ length: options.size }, (_, i) => `${options.prefix}-${suffix}-${i}`);
    const provisioned = await Promise.all(ids.map((id) => provisionTestDevice(id)));
    const agents = new Map<string, AgentProcess>();
    const dataDirs: string[] = [];
    for (const device of provisioned) {
      const dataDir = await mkdtemp(join(tmpdir(), `iot-agent-rollout-${device.deviceId}-`));
      dataDirs.push(dataDir);
      const argv = [
        `--credentials=${device.credentialsFile}`,
        `--podman-socket=${connection.podmanSocket}`,
        `--data-dir=${dataDir}`,
        `--heartbeat-seconds=${String(options.heartbeatSeconds ?? 1)}`,
      ];
      const natsServers = await options.natsServers?.(device.deviceId);
      if (natsServers !== undefined) argv.push(`--nats-servers=${natsServers.join(",")}`);
      agents.set(device.deviceId, new AgentProcess(device.deviceId, argv));
    }
    const fleet = new AgentFleet(identity, provisioned, agents, dataDirs, connection);
    for (const agent of agents.values()) agent.start();
    return fleet;
  }

  get devices(): string[] {
    return [...this.agents.keys()];
  }

  get podmanSocket(): string {
    return this.connection.podmanSocket;
  }

  agent(device: string): FleetAgent {
    const agent = this.agents.get(device);
    if (agent === undefined) throw new Error(`${device} is not a device of this fleet`);
    return agent;
  }

  /** Stops every agent, then removes what they left: containers, KV keys, identities, data dirs. */
  async stop(kv: Kv): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.stop()));
    for (const device of this.agents.keys()) {
      await removeDeviceContainers(this.connection.podmanSocket, device);
      for await (const key of await kv.desired.keys(`${device}.>`)) await kv.desired.purge(key);
      await kv.status.purge(agentStatusKey(device));
    }
    for (const device of this.provisioned) await device.cleanup();
    for (const dir of this.dataDirs) await rm(dir, { recursive: true, force: true });
    await this.identity.stop();
  }
}
