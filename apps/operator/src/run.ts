// `iot-operator run`: wait for the leader Lease, then watch CRs into KV desired
// state and fold device heartbeats back into CR status, until leadership is
// lost (exit at once, so no second writer ever exists) or a signal arrives.
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { RunConfig } from "./config.js";
import { KeyedWorkQueue } from "./controller/work-queue.js";
import { Reconciler } from "./controller/reconciler.js";
import { describeError } from "./errors.js";
import { startHttpServer, type Readiness } from "./http-server.js";
import { DeploymentApi, type RawDeployment } from "./kube/deployment-api.js";
import { DeploymentWatch } from "./kube/deployment-watch.js";
import { loadKubeConfig } from "./kube/kube-config.js";
import { LeaderElector } from "./leader/lease.js";
import type { Logger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { AgentStatusWatch } from "./nats/agent-status-watch.js";
import { ensureBuckets, type Buckets } from "./nats/buckets.js";
import { connectNats, type OperatorNats } from "./nats/connection.js";
import { DesiredStateWriter } from "./nats/desired-state-writer.js";
import { DeploymentRegistry } from "./status/deployment-registry.js";
import { DeviceStatusStore } from "./status/device-store.js";
import { StatusFlusher } from "./status/status-flusher.js";

/** Exit code when leadership is lost: the supervisor restarts the process as a standby. */
export const EXIT_LEADERSHIP_LOST = 3;

export async function runOperator(config: RunConfig, log: Logger): Promise<void> {
  const metrics = createMetrics();
  let readiness: Readiness = { ready: false, state: "starting" };
  // Set once NATS is connected (after the Lease): /readyz reads it from then on.
  let nats: OperatorNats | undefined = undefined;
  const http = await startHttpServer({
    port: config.httpPort,
    registry: metrics.registry,
    // Leading without a usable NATS connection is not ready: /readyz says why.
    readiness: () => {
      const health = nats?.health();
      return health && !health.up && readiness.state === "leading"
        ? { ready: false, state: "nats-down", reason: health.reason }
        : readiness;
    },
  });
  log.info(
    { port: http.port, namespace: config.namespace ?? "(all)" },
    "serving /healthz, /readyz and /metrics",
  );

  const kc = loadKubeConfig(config);
  const elector = new LeaderElector(kc, config.lease, log);
  readiness = { ready: true, state: "standby" };
  await elector.acquire();
  metrics.isLeader.set(1);
  readiness = { ready: false, state: "syncing" };
  const canWrite = (): boolean => elector.isLeader();

  void elector.keepRenewing((error) => {
    // Stop writing at once: exiting is the only way to be sure no write is in flight.
    metrics.isLeader.set(0);
    log.fatal({ err: error.message }, "leadership lost; exiting");
    process.exit(EXIT_LEADERSHIP_LOST);
  });

  const api = new DeploymentApi(kc);
  const registry = new DeploymentRegistry();
  let buckets: Buckets | undefined;
  const bucket = (pick: (b: Buckets) => KV) => (): KV => {
    if (buckets === undefined) throw new Error("KV buckets are not open yet");
    return pick(buckets);
  };
  const writer = new DesiredStateWriter(
    bucket((b) => b.desiredState),
    metrics,
    canWrite,
  );

  const store = new DeviceStatusStore(config.stalenessWindowMs, (device, atMs) => {
    flusher.markDevice(device, atMs);
  });
  const flusher = new StatusFlusher(
    {
      registry,
      lookup: (device) => store.get(device),
      patch: (namespace, name, body) => api.patchStatus(namespace, name, body),
    },
    { periodMs: config.statusFlushPeriodMs, stalenessWindowMs: config.stalenessWindowMs, canWrite },
    log,
    metrics,
  );

  const cache = new Map<string, RawDeployment>();
  const reconciler = new Reconciler({
    cache,
    api,
    writer,
    registry,
    statusDirty: (key) => {
      flusher.markDirty(key);
    },
    log,
    metrics,
  });
  const queue = new KeyedWorkQueue(
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
      baseRetryMs: 500,
      maxRetryMs: 30_000,
      onDepthChange: (depth) => {
        metrics.queueDepth.set(depth);
      },
    },
    log,
  );

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
        if (readiness.state === "syncing") readiness = { ready: true, state: "leading" };
      },
    },
    { namespace: config.namespace, cache, watchdogMs: 90_000 },
    log,
    metrics,
  );

  const statusWatch = new AgentStatusWatch(
    bucket((b) => b.agentStatus),
    store,
    log,
    metrics,
  );
  const onNatsBack = (nc: NatsConnection): void => {
    // JetStream state may have been lost, the watch consumer dropped, or the connection
    // replaced by a fresh one: reopen the buckets on it and resync.
    void ensureBuckets(nc)
      .then((opened) => {
        buckets = opened;
        statusWatch.restart("nats-reconnect");
        watch.requestRelist();
      })
      .catch((error: unknown) => {
        metrics.errors.inc({ area: "nats" });
        log.warn({ err: describeError(error) }, "could not reopen KV buckets after reconnect");
      });
  };
  nats = await connectNats(
    config.natsServers,
    config.natsCredentialsFile,
    log,
    onNatsBack,
    `iot-operator/${config.lease.identity}`,
  );
  buckets = await ensureBuckets(nats.connection());

  store.start();
  flusher.start();
  statusWatch.start();
  watch.start();
  const resync = setInterval(() => {
    metrics.watchRestarts.inc({ watch: "deployments", reason: "resync" });
    watch.requestRelist();
  }, config.resyncPeriodMs);
  const gauges = setInterval(() => {
    metrics.devicesTracked.set(store.size);
    metrics.deploymentsTracked.set(registry.size);
  }, 1000);
  gauges.unref();

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
  clearInterval(resync);
  clearInterval(gauges);
  watch.stop();
  statusWatch.stop();
  store.stop();
  queue.stop();
  await queue.idle();
  flusher.stop();
  await flusher.flush(true);
  await elector.release();
  await nats.close();
  await http.close();
}
