// What makes a key reconcile: KV watch entries, podman container events, and
// the periodic resync that catches anything both of them missed. Each only
// enqueues keys; the reconciler decides what to do from the state it reads.
import { isDesiredStateKey } from "@fleet/contracts";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { WatchHandlers } from "../nats/desired-watch.js";
import type { PodmanClient } from "../podman/client.js";
import { listContainers } from "../podman/containers.js";
import type { ContainerEvent } from "../podman/events.js";
import { LABELS, isOwnedBy, ownerLabels } from "../runtime/labels.js";
import type { EventRing } from "../status/event-ring.js";
import type { DesiredStore } from "./desired-store.js";

export interface TriggerDeps {
  device: string;
  store: DesiredStore;
  podman: PodmanClient;
  ring: EventRing;
  logger: Logger;
  enqueue: (key: string) => void;
}

/** Enqueues every key the KV or podman knows about for this device. */
export function resyncer(deps: TriggerDeps): () => Promise<void> {
  return async () => {
    const keys = new Set(deps.store.keys());
    try {
      for (const c of await listContainers(deps.podman, ownerLabels(deps.device))) {
        const key = c.labels[LABELS.deploymentKey];
        if (key !== undefined && isDesiredStateKey(key)) keys.add(key);
      }
    } catch (error) {
      deps.logger.warn({ err: messageOf(error) }, "cannot list containers for resync");
    }
    for (const key of keys) deps.enqueue(key);
  };
}

export function desiredStateHandlers(
  deps: TriggerDeps,
  resyncAll: () => Promise<void>,
): WatchHandlers {
  const { store, ring, logger, enqueue } = deps;
  return {
    snapshotStarted: () => {
      store.beginSnapshot();
    },
    snapshotComplete: () => {
      const gone = store.completeSnapshot();
      logger.info({ keys: store.keys().length, gone: gone.length }, "desired state read from KV");
      // Removals of keys deleted while we were away happen here, and only here.
      void resyncAll();
    },
    put: (key, value) => {
      if (!isDesiredStateKey(key)) {
        const message = `ignored desired-state key "${key}": not <device>.<namespace>.<name>`;
        ring.record({ severity: "Error", message });
        return;
      }
      store.put(key, value);
      enqueue(key);
    },
    delete: (key) => {
      store.delete(key);
      if (isDesiredStateKey(key)) enqueue(key);
    },
  };
}

/** Exits and removals of this device's containers reconcile their key at once. */
export function containerEventHandler(deps: TriggerDeps): (event: ContainerEvent) => void {
  return (event) => {
    const key = event.attributes[LABELS.deploymentKey];
    if (!isOwnedBy(event.attributes, deps.device) || key === undefined) return;
    if (!isDesiredStateKey(key)) return;
    if (event.action === "died" || event.action === "remove" || event.action === "stop") {
      deps.logger.info(
        {
          deployment: key,
          container: event.attributes.name,
          action: event.action,
          exitCode: event.exitCode,
        },
        "container event",
      );
      deps.enqueue(key);
    }
  };
}
