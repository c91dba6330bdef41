// Simulated devices: each heartbeats once per period, spread evenly over the
// period, over a few NATS connections (like agents behind one edge hub would).
// The connections are the platform admin's: one simulator publishes thousands
// of devices' statuses, which no single device identity may.
// A device in `failing` reports its deployment Failed. A `report` function,
// when given, says what each device reports instead (the rollout benchmark's
// devices report the revision they run, or nothing before their first entry).
import {
  BUCKET_AGENT_STATUS,
  agentStatusKey,
  desiredStateKey,
  encodeAgentStatus,
  type DeploymentReport,
} from "@fleet/contracts";
import { Kvm, type KV } from "@nats-io/kv";
import { connectAsAdmin, type PlatformConnection } from "@fleet/local-platform/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { setTimeout as delay } from "node:timers/promises";

const TICK_MS = 100;

/** What a device reports about the deployment; undefined: the deployment is not mentioned. */
export type ReportOf = (device: string) => Omit<DeploymentReport, "lastEventAt"> | undefined;
/** The agent version every simulated device reports. */
export const SIM_AGENT_VERSION = "bench-sim";

/** One simulated device's heartbeat: now, as the simulated agent version, with these reports. */
export async function putSimulatedHeartbeat(
  bucket: KV,
  device: string,
  deployments: Record<string, Omit<DeploymentReport, "lastEventAt">>,
): Promise<void> {
  await bucket.put(
    agentStatusKey(device),
    encodeAgentStatus({
      deviceId: device,
      agentVersion: SIM_AGENT_VERSION,
      lastHeartbeatAt: new Date().toISOString(),
      deployments,
    }),
  );
}

export class HeartbeatSimulator {
  readonly failing = new Set<string>();
  /** Heartbeats acknowledged so far (the rate achieved, against the one intended). */
  puts = 0;
  /** The longest time (ms) between two heartbeats of one device since resetGaps(). */
  maxGapMs = 0;
  /** When each device's last heartbeat was acknowledged (performance.now; 0: none since reset). */
  #lastBeat: Float64Array;
  readonly #indexOf = new Map<string, number>();
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly connections: NatsConnection[],
    private readonly buckets: KV[],
    readonly ids: string[],
    private readonly deployment: { namespace: string; name: string },
    private readonly periodMs: number,
    private readonly reportOf: ReportOf | undefined,
  ) {
    this.#lastBeat = new Float64Array(ids.length);
    ids.forEach((id, i) => this.#indexOf.set(id, i));
  }

  static async open(
    connection: PlatformConnection,
    ids: string[],
    deployment: { namespace: string; name: string },
    options: { connections?: number; periodMs?: number; report?: ReportOf } = {},
  ): Promise<HeartbeatSimulator> {
    const connections = await Promise.all(
      Array.from({ length: options.connections ?? 4 }, () => connectAsAdmin({ connection })),
    );
    const buckets = await Promise.all(
      connections.map((nc) => new Kvm(nc).open(BUCKET_AGENT_STATUS)),
    );
    return new HeartbeatSimulator(
      connections,
      buckets,
      ids,
      deployment,
      options.periodMs ?? 5000,
      options.report,
    );
  }

  /** One heartbeat of device number `i`; resolves when JetStream acknowledged it. */
  async beat(i: number): Promise<void> {
    const device = this.ids[i] ?? "";
    const bucket = this.buckets[i % this.buckets.length];
    if (bucket === undefined) return;
    const key = desiredStateKey({ device, ...this.deployment });
    const report =
      this.reportOf === undefined
        ? this.failing.has(device)
          ? { phase: "Failed" as const, lastError: "simulated failure" }
          : { phase: "Running" as const }
        : this.reportOf(device);
    await putSimulatedHeartbeat(bucket, device, report === undefined ? {} : { [key]: report });
    this.puts += 1;
    const now = performance.now();
    const last = this.#lastBeat[i] ?? 0;
    if (last > 0) this.maxGapMs = Math.max(this.maxGapMs, now - last);
    this.#lastBeat[i] = now;
  }

  /** One heartbeat of `device` now (a real agent beats at once on a change), outside the period. */
  async beatDevice(device: string): Promise<void> {
    const i = this.#indexOf.get(device);
    if (i !== undefined) await this.beat(i);
  }

  /** Starts measuring the longest gap afresh. */
  resetGaps(): void {
    this.maxGapMs = 0;
    this.#lastBeat.fill(0);
  }

  /** A method, not a field read, because stop() flips it while the loop awaits. */
  running(): boolean {
    return !this.#stopped;
  }

  start(): void {
    const slice = Math.ceil(this.ids.length / (this.periodMs / TICK_MS));
    this.#loop = (async () => {
      while (this.running()) {
        for (let i = 0; i < this.ids.length && this.running(); i += slice) {
          const tick = performance.now();
          const batch: Promise<void>[] = [];
          for (let j = i; j < Math.min(i + slice, this.ids.length); j++) batch.push(this.beat(j));
          await Promise.all(batch);
          await delay(Math.max(0, TICK_MS - (performance.now() - tick)));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  /** Deletes every simulated device's status, so later runs start from an empty fleet. */
  async purge(): Promise<void> {
    const bucket = this.buckets[0];
    if (bucket === undefined) return;
    for (let i = 0; i < this.ids.length; i += 500) {
      await Promise.all(this.ids.slice(i, i + 500).map((id) => bucket.purge(agentStatusKey(id))));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((nc) => nc.close()));
  }
}
