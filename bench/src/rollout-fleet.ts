// Simulated agents for the rollout benchmark: each device watches its
// desired-state entry of one Deployment (one wildcard KV watch for all of them,
// as fleet-scale's simulator speaks for thousands of devices over a few
// connections) and behaves like the real agent would: when an entry arrives it
// reports that entry's revision Pending at once, then Running after the time a
// container restart takes (updateMs, ±50 %), each change with an immediate
// heartbeat, and heartbeats every period in between. Every put and delete seen
// goes into the RevisionTrail, the benchmark's proof.
import { decodeDesiredState, desiredStateKey, parseDesiredStateKey } from "@fleet/contracts";
import type { PlatformConnection } from "@fleet/local-platform/testing";
import { KvWatchInclude, type KV } from "@nats-io/kv";
import { HeartbeatSimulator, type ReportOf } from "./heartbeat-simulator.js";
import type { Logger } from "./logger.js";
import { RevisionTrail } from "./revision-trail.js";

interface DeviceState {
  revision: number;
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class RolloutFleet {
  readonly trail = new RevisionTrail();
  /** When each device's entry of each revision was seen (performance.now), by revision. */
  readonly putAt = new Map<number, Map<string, number>>();
  /** When each device reported each revision Running (its heartbeat acknowledged), by revision. */
  readonly runningAt = new Map<number, Map<string, number>>();
  #stopWatch: () => void = () => undefined;
  #watching: Promise<void> = Promise.resolve();

  private constructor(
    readonly sim: HeartbeatSimulator,
    private readonly states: Map<string, DeviceState>,
    private readonly updateMs: number,
    private readonly logger: Logger,
  ) {}

  /** Opens the watch (before the Deployment exists, so it sees every put) and the heartbeat connections. */
  static async open(
    connection: PlatformConnection,
    desired: KV,
    ids: string[],
    deployment: { namespace: string; name: string },
    options: { updateMs: number; logger: Logger },
  ): Promise<RolloutFleet> {
    const states = new Map<string, DeviceState>();
    const report: ReportOf = (device) => {
      const state = states.get(device);
      if (state === undefined) return undefined;
      return { phase: state.running ? "Running" : "Pending", revision: state.revision };
    };
    const sim = await HeartbeatSimulator.open(connection, ids, deployment, { report });
    const fleet = new RolloutFleet(sim, states, options.updateMs, options.logger);
    // Any device's key with the device token as a wildcard (device ids have no '.').
    const suffix = desiredStateKey({ device: "d", ...deployment }).slice(1);
    const iterator = await desired.watch({
      key: `*${suffix}`,
      include: KvWatchInclude.UpdatesOnly,
    });
    const self = fleet;
    self.#stopWatch = () => {
      iterator.stop();
    };
    self.#watching = (async () => {
      for await (const entry of iterator) {
        const { device } = parseDesiredStateKey(entry.key);
        if (entry.operation !== "PUT") {
          self.#removed(device);
          continue;
        }
        const revision = decodeDesiredState(entry.value).revision;
        if (revision === undefined) {
          self.logger.warn({ device }, "desired-state entry without a revision");
          continue;
        }
        self.#given(device, revision);
      }
    })();
    return fleet;
  }

  #given(device: string, revision: number): void {
    const at = performance.now();
    this.trail.record(device, revision);
    mapOf(this.putAt, revision).set(device, at);
    const previous = this.states.get(device);
    if (previous?.timer !== undefined) clearTimeout(previous.timer);
    const state: DeviceState = { revision, running: false, timer: undefined };
    this.states.set(device, state);
    this.#beat(device);
    const restartMs = this.updateMs * (0.5 + Math.random());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.running = true;
      this.#beat(device, () => mapOf(this.runningAt, revision).set(device, performance.now()));
    }, restartMs);
  }

  #removed(device: string): void {
    this.trail.record(device, undefined);
    const state = this.states.get(device);
    if (state?.timer !== undefined) clearTimeout(state.timer);
    this.states.delete(device);
    this.#beat(device);
  }

  #beat(device: string, acknowledged?: () => void): void {
    this.sim.beatDevice(device).then(acknowledged, (error: unknown) => {
      this.logger.warn({ err: error, device }, "simulated heartbeat failed");
    });
  }

  /** Stops the watch, the timers and the heartbeats (statuses stay until purge). */
  async stop(): Promise<void> {
    this.#stopWatch();
    await this.#watching;
    for (const state of this.states.values())
      if (state.timer !== undefined) clearTimeout(state.timer);
    await this.sim.stop();
  }
}

function mapOf(maps: Map<number, Map<string, number>>, revision: number): Map<string, number> {
  let map = maps.get(revision);
  if (map === undefined) {
    map = new Map();
    maps.set(revision, map);
  }
  return map;
}
