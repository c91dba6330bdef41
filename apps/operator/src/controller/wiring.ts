// Builds the operator's parts from its configuration and connects them:
//   Device watch ──▶ placement ──▶ (flipped devices) ──▶ work queue
//   CR watch ──▶ work queue ──▶ reconciler ──▶ placement, KV desired state
//   KV agent-status watch ──▶ device store ──▶ status flusher ──▶ CR status
//                         │                └──▶ rollout controller ──▶ work queue (active rollouts, ≤ 1/s)
//                         └──▶ Device status writer ──▶ Device status (transitions only)
//   reconciler ──▶ revision store (ControllerRevisions), rollout planner,
//              ──▶ CR status.rollout (write-ahead, awaited) ──▶ KV desired state
// Nothing here waits for the Lease or opens NATS: run.ts decides when the
// parts start and stop.
import type { KubeConfig } from "@kubernetes/client-node";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { RevisionClient } from "@fleet/kube";
import { KeyedQueue } from "@fleet/runtime";
import type { RunConfig } from "../config.js";
import { describeError } from "../errors.js";
import { DeploymentApi, type RawDeployment } from "../kube/deployment-api.js";
import { DeploymentWatch } from "../kube/deployment-watch.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { deviceStatusPart } from "../device-status/device-status-part.js";
import { AgentStatusWatch } from "../nats/agent-status-watch.js";
import { ensureBuckets, type Buckets } from "../nats/buckets.js";
import { DesiredStateWriter } from "../nats/desired-state-writer.js";
import { RevisionStore } from "../rollout/revision-store.js";
import { RolloutController } from "../rollout/rollout-controller.js";
import { DeploymentRegistry } from "../status/deployment-registry.js";
import { DeviceRegistry } from "../targeting/device-registry.js";
import { Placement, type PlacementChanges } from "../targeting/placement.js";
import { placementView } from "../targeting/placement-view.js";
import { DeviceStatusStore } from "../status/device-store.js";
import { StatusFlusher } from "../status/status-flusher.js";
import { Reconciler } from "./reconciler.js";

export interface WiringDeps {
  kc: KubeConfig;
  log: Logger;
  metrics: Metrics;
  /** False once leadership is gone: from then on nothing is written. */
  canWrite: () => boolean;
  /** Every full list of CRs (the first one means the operator is in sync). */
  onListed: () => void;
}

/** The wired operator, not yet running. */
export interface Controller {
  /** Opens the KV buckets on a connection; before start(), and after NATS replaced its connection. */
  useConnection(nc: NatsConnection): Promise<void>;
  /** After a reconnect: reopen the buckets, re-read every heartbeat and resync every CR. */
  reconnected(nc: NatsConnection): void;
  start(): void;
  /** Stops watching, lets work in flight finish and writes the last status. */
  stop(): Promise<void>;
}

export function wireController(config: RunConfig, deps: WiringDeps): Controller {
  const { kc, log, metrics, canWrite } = deps;
  const api = new DeploymentApi(kc);
  // Devices first: placement reads them, and the status side reads placement.
  const devices = new DeviceRegistry(
    kc,
    {
      changed: (device) => {
        placementChanged(placement.deviceChanged(device));
      },
      listed: () => {
        placementChanged(placement.devicesListed());
        // CRs are placed only once the Devices are known: a selector evaluated
        // against an empty registry would remove every entry it has.
        if (!deploymentsWatched) {
          deploymentsWatched = true;
          log.info({ devices: devices.size }, "device registry listed; placing deployments");
          watch.start();
        }
      },
    },
    log,
    metrics,
  );
  let deploymentsWatched = false;
  const placement = new Placement(devices);
  const registry = new DeploymentRegistry(placementView(placement));
  let buckets: Buckets | undefined;
  const bucket = (pick: (b: Buckets) => KV) => (): KV => {
    if (buckets === undefined) throw new Error("KV buckets are not open yet");
    return pick(buckets);
  };

  const store = new DeviceStatusStore(config.stalenessWindowMs, (device, atMs, change) => {
    flusher.markDevice(device, atMs, change);
    rollouts.deviceChanged(device, change);
  });
  const rollouts = new RolloutController({
    requeue: (key) => {
      queue.add(key);
    },
    reports: (device) => store.get(device),
    labelsOf: (device) => devices.get(device)?.labels,
    isPlaced: (key, device) => placement.isPlaced(key, device),
    stalenessWindowMs: config.stalenessWindowMs,
    log,
    metrics,
  });
  const flusher = new StatusFlusher(
    {
      registry,
      lookup: (device) => store.get(device),
      patch: (namespace, name, body) => api.patchStatus(namespace, name, body),
      rolloutOf: (key) => rollouts.current(key),
      commandProblemOf: (key) => rollouts.commandProblems(key),
    },
    {
      periodMs: config.statusFlushPeriodMs,
      // The newest heartbeat time alone is refreshed once per heartbeat period.
      routinePeriodMs: config.heartbeatPeriodMs,
      stalenessWindowMs: config.stalenessWindowMs,
      canWrite,
    },
    log,
    metrics,
  );
  const deviceStatus = deviceStatusPart(config, { kc, log, metrics, canWrite });
  const statusWatch = new AgentStatusWatch(
    bucket((b) => b.agentStatus),
    deviceStatus.alongside(store),
    log,
    metrics,
    // Heartbeats flowing, then none for two periods: the watch's consumer is gone (a NATS node died).
    { silenceMs: 2 * config.heartbeatPeriodMs },
  );

  const cache = new Map<string, RawDeployment>();
  const writer = new DesiredStateWriter(
    bucket((b) => b.desiredState),
    metrics,
    canWrite,
  );
  const revisions = new RevisionStore(RevisionClient.forKubeConfig(kc), log, { canWrite });
  const reconciler = new Reconciler({
    cache,
    api,
    writer,
    revisions,
    rollouts,
    writeStatusNow: (key) => flusher.writeNow(key),
    registry,
    placement,
    placementChanged: (changes) => {
      placementChanged(changes);
    },
    statusDirty: (key) => {
      flusher.markDirty(key);
    },
    log,
    metrics,
  });
  const queue = new KeyedQueue(
    async (key, force) => {
      try {
        metrics.reconciles.inc({ result: await reconciler.reconcile(key, force) });
      } catch (error) {
        metrics.reconciles.inc({ result: "error" });
        metrics.errors.inc({ area: "reconcile" });
        throw error;
      }
    },
    {
      concurrency: 4,
      retry: { initialMs: 500, maxMs: 30_000 },
      onFailure: (key, error, { attempt, retryInMs }) => {
        log.warn({ key, failures: attempt, retryInMs, err: error }, "reconcile failed; will retry");
      },
      onDepthChange: (depth) => {
        metrics.queueDepth.set(depth);
      },
    },
  );

  /** Queues just the devices each CR had flipped, and recomputes the status of every CR touched. */
  const placementChanged = (changes: PlacementChanges): void => {
    for (const [key, flipped] of changes.flipped) {
      reconciler.devicesFlipped(key, flipped);
      queue.add(key);
    }
    for (const key of changes.touched) flusher.markDirty(key);
  };

  let gcRunning = false;
  const collectOrphans = (): void => {
    if (gcRunning || buckets === undefined) return;
    gcRunning = true;
    reconciler
      .collectOrphans(config.namespace)
      .catch((error: unknown) => {
        metrics.errors.inc({ area: "orphan-gc" });
        log.warn({ err: describeError(error) }, "orphan clean-up failed; next resync retries");
      })
      .finally(() => {
        gcRunning = false;
      });
  };

  const watch = new DeploymentWatch(
    kc,
    api,
    {
      changed: (key) => {
        queue.add(key);
      },
      deleted: (key) => {
        queue.add(key);
      },
      listed: (keys) => {
        // Every (re)list is a full resync: re-check each CR's KV entries.
        for (const key of keys) queue.add(key, true);
        for (const key of registry.keys()) flusher.markDirty(key);
        collectOrphans();
        deps.onListed();
      },
    },
    { namespace: config.namespace, cache, watchdogMs: 90_000 },
    log,
    metrics,
  );

  const bucketOptions = {
    replicas: config.kvReplicas,
    onReplicasDiffer: (bucket: string, existing: number, wanted: number) => {
      log.warn(
        { bucket, replicas: existing, kvReplicas: wanted },
        "KV bucket exists with other replicas than --kv-replicas; it keeps its own (docs/nats.md)",
      );
    },
  };
  const timers: NodeJS.Timeout[] = [];
  return {
    async useConnection(nc) {
      buckets = await ensureBuckets(nc, bucketOptions);
    },
    reconnected(nc) {
      // JetStream state may have been lost, the watch consumer dropped, or the
      // connection replaced by a fresh one: reopen the buckets on it and resync.
      void ensureBuckets(nc, bucketOptions)
        .then((opened) => {
          buckets = opened;
          // The bucket may have lost (or kept) anything meanwhile: read it again.
          writer.forgetAll();
          statusWatch.restart("nats-reconnect");
          watch.requestRelist();
        })
        .catch((error: unknown) => {
          metrics.errors.inc({ area: "nats" });
          log.warn({ err: describeError(error) }, "could not reopen KV buckets after reconnect");
        });
    },
    start() {
      store.start();
      flusher.start();
      deviceStatus.start();
      statusWatch.start();
      devices.start(); // the CR watch starts after the first list of Devices
      const resync = setInterval(() => {
        metrics.watchRestarts.inc({ watch: "deployments", reason: "resync" });
        watch.requestRelist();
      }, config.resyncPeriodMs);
      const gauges = setInterval(() => {
        metrics.devicesTracked.set(store.size);
        metrics.devicesRegistered.set(devices.size);
        metrics.deploymentsTracked.set(registry.size);
        metrics.rolloutsActive.set(rollouts.activeCount);
      }, 1000);
      gauges.unref();
      timers.push(resync, gauges);
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      watch.stop();
      devices.stop();
      statusWatch.stop();
      store.stop();
      await deviceStatus.stop();
      rollouts.stop();
      queue.stop();
      await queue.idle();
      flusher.stop();
      await flusher.flush(true);
    },
  };
}
