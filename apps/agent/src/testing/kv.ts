// Test helpers for the NATS side: the platform admin's connection (what plays
// the operator here: it seeds desired state and watches heartbeats; the agents
// under test connect as their own devices), writing desired state with the
// contracts' encoder, and awaiting a device's published AgentStatus through a
// KV watch (an event, not a poll).
import {
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  agentStatusKey,
  decodeAgentStatus,
  desiredStateKey,
  encodeDesiredState,
  type AgentStatus,
  type PodmanService,
} from "@fleet/contracts";
import {
  connectAsAdmin,
  NGINX_CONTAINER_PORT,
  nginxImageRef,
  platformConnection,
} from "@fleet/local-platform/testing";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

export interface TestNats {
  nc: NatsConnection;
  desired: KV;
  status: KV;
}

/** The platform admin's connection, with both buckets (created if missing, as the operator would). */
export async function connectTestNats(): Promise<TestNats> {
  const nc = await connectAsAdmin({ maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const kvm = new Kvm(nc);
  // One replica per NATS node of the platform, as the operator started by the tests makes them.
  const replicas = (await platformConnection()).natsNodes.length;
  return {
    nc,
    desired: await kvm.create(BUCKET_DESIRED_STATE, { history: 1, replicas }),
    status: await kvm.create(BUCKET_AGENT_STATUS, { history: 1, replicas }),
  };
}

export type ServiceInput = Omit<PodmanService, "ports"> & { ports?: PodmanService["ports"] };

/** Writes one deployment's desired state for one device (with `revision` if given); returns its key. */
export async function putDesired(
  kv: KV,
  target: {
    device: string;
    namespace: string;
    name: string;
    generation: number;
    revision?: number;
  },
  services: ServiceInput[],
): Promise<string> {
  const key = desiredStateKey(target);
  const bytes = encodeDesiredState({
    schemaVersion: 1,
    deployment: {
      namespace: target.namespace,
      name: target.name,
      uid: `uid-${target.namespace}-${target.name}`,
      generation: target.generation,
    },
    ...(target.revision === undefined ? {} : { revision: target.revision }),
    score: { PodmanV0: { services } },
  });
  await kv.put(key, bytes);
  return key;
}

export interface TimedStatus {
  status: AgentStatus;
  /** Date.now() when the test saw it. */
  receivedAt: number;
}

/** Follows one device's AgentStatus; `next` awaits a status matching a predicate. */
export class StatusFollower {
  readonly history: TimedStatus[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #stop: () => void;

  private constructor(stop: () => void) {
    this.#stop = stop;
  }

  static async start(kv: KV, device: string): Promise<StatusFollower> {
    const entries = await kv.watch({ key: agentStatusKey(device) });
    const follower = new StatusFollower(() => {
      entries.stop();
    });
    void (async () => {
      for await (const entry of entries) {
        if (entry.operation !== "PUT") continue;
        follower.history.push({ status: decodeAgentStatus(entry.value), receivedAt: Date.now() });
        for (const wake of follower.#waiters) wake();
      }
    })();
    return follower;
  }

  get latest(): AgentStatus | undefined {
    return this.history.at(-1)?.status;
  }

  /** The first status received at or after `since` (an index into history) that matches. */
  async next(
    match: (status: AgentStatus) => boolean,
    options: { what: string; timeoutMs: number; since?: number },
  ): Promise<TimedStatus> {
    let from = options.since ?? 0;
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      for (; from < this.history.length; from += 1) {
        const item = this.history[from];
        if (item !== undefined && match(item.status)) return item;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const last = JSON.stringify(this.latest?.deployments ?? null);
        throw new Error(
          `timed out after ${options.timeoutMs} ms waiting for ${options.what}; last deployments: ${last}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        const waiters = this.#waiters;
        function done(): void {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  }

  stop(): void {
    this.#stop();
  }
}

/** Purges a test device's desired state (`<device>.>`) and its status key. */
export async function purgeDeviceKeys(nats: TestNats, device: string): Promise<void> {
  for await (const key of await nats.desired.keys(`${device}.>`)) await nats.desired.purge(key);
  await nats.status.purge(agentStatusKey(device));
}

/** The test nginx as a desired-state service: image tag `tag`, published on `hostPort`. */
export function nginxService(tag: "1.0" | "1.1", hostPort: number): ServiceInput {
  return {
    name: "nginx",
    image: nginxImageRef(tag),
    ports: [{ hostPort, containerPort: NGINX_CONTAINER_PORT, protocol: "TCP" }],
  };
}
