// Wires the agent together: NATS session and desired-state watch in, the
// runtimes' own events (podman's) and a periodic resync as triggers, one
// per-key reconcile worker in the middle handing each score to its kind's
// runtime, the status publisher out. Containers are never stopped here:
// stop() leaves them running for the next agent (or the same one, restarted).
import { mkdir } from "node:fs/promises";
import type { AgentConfig } from "./config/settings.js";
import type { Logger } from "./logger.js";
import { identityCredentials } from "./nats/credentials.js";
import { DesiredStateWatch } from "./nats/desired-watch.js";
import { NatsSession } from "./nats/session.js";
import { DesiredStore } from "./reconcile/desired-store.js";
import { Reconciler } from "./reconcile/reconciler.js";
import { desiredStateHandlers, resyncer } from "./reconcile/triggers.js";
import { ReconcileWorker } from "./reconcile/worker.js";
import { createRuntimes, runtimeList } from "./runtime/runtimes.js";
import { EventRing } from "./status/event-ring.js";
import { InventoryTracker } from "./status/inventory.js";
import { StatusPublisher } from "./status/publisher.js";
import { StatusBook } from "./status/status-book.js";
import { AGENT_VERSION } from "./version.js";

export interface RunningAgent {
  /** Graceful stop: stop watching, publish a last status, leave containers running. */
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig, logger: Logger): Promise<RunningAgent> {
  const device = config.deviceId;
  const abort = new AbortController();
  await mkdir(config.dataDir, { recursive: true });

  // Bound to the publisher once it exists; the ring records its first event before that.
  let publishSoon = (): void => undefined;
  const changed = (): void => {
    publishSoon();
  };
  const book = new StatusBook(changed);
  const ring = await EventRing.load(config.dataDir, logger, changed);
  logger.info({ replayed: ring.events.length }, "event ring loaded from the data dir");
  ring.record({ severity: "Info", message: `agent ${AGENT_VERSION} started` });

  const inventory = new InventoryTracker(config.dataDir, logger);
  await inventory.refresh();
  const store = new DesiredStore();
  const reconcileWorker: ReconcileWorker = new ReconcileWorker({
    // Called only once keys are enqueued, after `reconciler` below exists.
    reconcile: (key) => reconciler.reconcile(key),
    failed: (key, failure) => {
      reconciler.failed(key, failure);
    },
    desiredHash: (key) => reconciler.attemptedHash(key),
    maxRetryMs: config.resyncSeconds * 1000,
  });
  const runtimes = createRuntimes({
    ...{ config, ring, logger, now: Date.now },
    retryLater: (key, delayMs) => {
      reconcileWorker.retryLater(key, delayMs);
    },
  });
  const reconciler = new Reconciler({ store, book, ring, runtimes });

  const enqueue = (key: string): void => {
    reconcileWorker.enqueue(key);
  };
  const triggers = { store, runtimes, ring, logger, enqueue };
  const resyncAll = resyncer(triggers);
  const watch = new DesiredStateWatch(device, desiredStateHandlers(triggers, resyncAll), logger);

  const session = new NatsSession({
    servers: config.natsServers,
    credentials: identityCredentials(config.credentials.device, config.credentials.file, logger),
    name: `iot-agent-${device}`,
    logger,
    signal: abort.signal,
    onReady: (buckets) => {
      watch.restart(buckets.js);
      publishSoon();
    },
  });
  const statusPublisher = new StatusPublisher({
    device,
    book,
    ring,
    inventory,
    periodMs: config.heartbeatSeconds * 1000,
    logger,
    bucket: () => session.statusBucket,
  });
  publishSoon = () => {
    statusPublisher.request();
  };

  const runtimeEvents = runtimeList(runtimes).map((runtime) =>
    runtime.follow(
      {
        changed: enqueue,
        exited: (key, problem) => {
          reconciler.exited(key, problem);
        },
        opened: () => void resyncAll(),
      },
      abort.signal,
    ),
  );
  const timers = [
    setInterval(() => void resyncAll(), config.resyncSeconds * 1000),
    setInterval(() => {
      void inventory.refresh().then((changedInventory) => {
        if (changedInventory) statusPublisher.request();
      });
    }, config.inventorySeconds * 1000),
  ];
  statusPublisher.start();
  const sessionDone = session.run();
  logger.info(
    { device, podmanSocket: config.podmanSocket, natsServers: config.natsServers },
    "agent running",
  );

  return {
    async stop(): Promise<void> {
      logger.info("stopping: containers are left running");
      abort.abort();
      watch.stop();
      for (const timer of timers) clearInterval(timer);
      statusPublisher.stop();
      await reconcileWorker.stop();
      ring.record({
        severity: "Info",
        message: `agent ${AGENT_VERSION} stopped; containers left running`,
      });
      await ring.flushed();
      await statusPublisher.flush();
      await session.close();
      await Promise.all([sessionDone, ...runtimeEvents]);
      await Promise.all(runtimeList(runtimes).map((runtime) => runtime.close()));
    },
  };
}
