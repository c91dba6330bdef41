// Wires the agent together: NATS session and desired-state watch in, podman
// events and a periodic resync as triggers, one per-key reconcile worker in
// the middle, the status publisher out. Containers are never stopped here:
// stop() leaves them running for the next agent (or the same one, restarted).
import { mkdir } from "node:fs/promises";
import { isDesiredStateKey } from "@fleet/contracts";
import type { AgentConfig } from "./config/settings.js";
import { messageOf } from "./errors.js";
import type { Logger } from "./logger.js";
import { credentialSourceFor } from "./nats/credentials.js";
import { DesiredStateWatch } from "./nats/desired-watch.js";
import { NatsSession } from "./nats/session.js";
import { PodmanClient } from "./podman/client.js";
import { listContainers } from "./podman/containers.js";
import { followContainerEvents } from "./podman/events.js";
import { DesiredStore } from "./reconcile/desired-store.js";
import { Reconciler } from "./reconcile/reconciler.js";
import { RestartPolicy } from "./reconcile/restart-policy.js";
import { ReconcileWorker } from "./reconcile/worker.js";
import { LABELS, isOwnedBy, ownerLabels } from "./runtime/labels.js";
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
  const podman = new PodmanClient(config.podmanSocket);
  const store = new DesiredStore();
  const restarts = new RestartPolicy();
  const reconcileWorker: ReconcileWorker = new ReconcileWorker({
    // Called only once keys are enqueued, after `reconciler` below exists.
    reconcile: (key) => reconciler.reconcile(key),
    book,
    ring,
    logger,
    maxRetryMs: config.resyncSeconds * 1000,
  });
  const reconciler = new Reconciler({
    ...{ device, podman, store, book, ring, restarts, now: Date.now },
    retryLater: (key, delayMs) => {
      reconcileWorker.retryLater(key, delayMs);
    },
  });

  /** Every key the KV or podman knows about for this device gets a reconcile. */
  const resyncAll = async (): Promise<void> => {
    const keys = new Set(store.keys());
    try {
      for (const c of await listContainers(podman, ownerLabels(device))) {
        const key = c.labels[LABELS.deploymentKey];
        if (key !== undefined && isDesiredStateKey(key)) keys.add(key);
      }
    } catch (error) {
      logger.warn({ err: messageOf(error) }, "cannot list containers for resync");
    }
    for (const key of keys) reconcileWorker.enqueue(key);
  };

  const watch = new DesiredStateWatch(
    device,
    {
      snapshotStarted: () => {
        store.beginSnapshot();
      },
      snapshotComplete: () => {
        const gone = store.completeSnapshot();
        logger.info({ keys: store.keys().length, gone: gone.length }, "desired state read from KV");
        void resyncAll();
      },
      put: (key, value) => {
        if (!isDesiredStateKey(key)) {
          ring.record({
            severity: "Error",
            message: `ignored desired-state key "${key}": not <device>.<namespace>.<name>`,
          });
          return;
        }
        store.put(key, value);
        reconcileWorker.enqueue(key);
      },
      delete: (key) => {
        store.delete(key);
        if (isDesiredStateKey(key)) reconcileWorker.enqueue(key);
      },
    },
    logger,
  );

  const session = new NatsSession({
    servers: config.natsServers,
    credentials: credentialSourceFor(config.credentials),
    name: `iot-agent-${device}`,
    logger,
    signal: abort.signal,
    onReady: (buckets) => {
      watch.restart(buckets.desired);
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

  const events = followContainerEvents({
    podman,
    label: `${LABELS.device}=${device}`,
    logger,
    signal: abort.signal,
    onOpened: () => void resyncAll(),
    onEvent: (event) => {
      const key = event.attributes[LABELS.deploymentKey];
      if (!isOwnedBy(event.attributes, device) || key === undefined || !isDesiredStateKey(key))
        return;
      if (event.action === "died" || event.action === "remove" || event.action === "stop") {
        logger.info(
          {
            deployment: key,
            container: event.attributes.name,
            action: event.action,
            exitCode: event.exitCode,
          },
          "container event",
        );
        reconcileWorker.enqueue(key);
      }
    },
  });
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
      await Promise.all([sessionDone, events]);
      await podman.close();
    },
  };
}
