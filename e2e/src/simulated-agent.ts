// A simulated device agent: writes AgentStatus heartbeats into the real KV the
// way apps/agent does (contracts' encoder, status.<device> key). It connects as
// the platform admin, not as a device: it plays any device id a test picks,
// without provisioning one in the IdP.
import {
  agentStatusKey,
  BUCKET_AGENT_STATUS,
  desiredStateKey,
  encodeAgentStatus,
  type DeploymentPhase,
} from "@fleet/contracts";
import { Kvm, type KV } from "@nats-io/kv";
import { connectAsAdmin } from "@fleet/local-platform/testing";
import type { NatsConnection } from "@nats-io/transport-node";

export class SimulatedAgent {
  private readonly deployments = new Map<string, { phase: DeploymentPhase }>();
  private timer: NodeJS.Timeout | undefined;
  private periodMs = 0;

  private constructor(
    readonly deviceId: string,
    private readonly nc: NatsConnection,
    private readonly kv: KV,
  ) {}

  static async start(deviceId: string): Promise<SimulatedAgent> {
    const nc = await connectAsAdmin({
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const kv = await new Kvm(nc).create(BUCKET_AGENT_STATUS);
    return new SimulatedAgent(deviceId, nc, kv);
  }

  report(namespace: string, name: string, phase: DeploymentPhase): void {
    this.deployments.set(desiredStateKey({ device: this.deviceId, namespace, name }), { phase });
  }

  /**
   * Publishes one heartbeat and returns its timestamp. Like the real agent, an
   * explicit heartbeat restarts the period, so a test that waits for this
   * timestamp on screen is not overtaken by a periodic one right after it.
   */
  async heartbeat(): Promise<string> {
    if (this.timer !== undefined) this.armTimer();
    const lastHeartbeatAt = new Date().toISOString();
    await this.kv.put(
      agentStatusKey(this.deviceId),
      encodeAgentStatus({
        deviceId: this.deviceId,
        agentVersion: "e2e-simulated",
        lastHeartbeatAt,
        deployments: Object.fromEntries(this.deployments),
        recentEvents: [{ at: lastHeartbeatAt, severity: "Info", message: "simulated heartbeat" }],
        inventory: {
          cpuCores: 4,
          memoryBytes: 4 * 1024 ** 3,
          diskBytes: 32 * 1024 ** 3,
          kernel: "6.1.0",
          arch: "arm64",
          os: "Debian 12",
          agentVersion: "e2e-simulated",
        },
      }),
    );
    return lastHeartbeatAt;
  }

  /** Like a real agent: a heartbeat every period, on top of explicit ones. */
  startHeartbeats(periodMs: number): void {
    this.periodMs = periodMs;
    this.armTimer();
  }

  private armTimer(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.heartbeat().catch(() => undefined); // NATS may be down on purpose; the next tick retries.
    }, this.periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.kv.delete(agentStatusKey(this.deviceId));
    await this.nc.close();
  }
}
