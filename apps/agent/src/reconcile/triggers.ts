// What makes a key reconcile: KV watch entries, the runtimes' own events (podman
// container events: runtime/podman-v0/container-events.ts), and the periodic
// resync that catches anything both of them missed. Each only enqueues keys;
// the reconciler decides what to do from the state it reads.
import { isDesiredStateKey } from "@fleet/contracts";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { WatchHandlers } from "../nats/desired-watch.js";
import { runtimeList, type Runtimes } from "../runtime/runtimes.js";
import type { EventRing } from "../status/event-ring.js";
import type { DesiredStore } from "./desired-store.js";

export interface TriggerDeps {
  store: DesiredStore;
  runtimes: Runtimes;
  ring: EventRing;
  logger: Logger;
  enqueue: (key: string) => void;
}

/** Enqueues every key the KV or a runtime (what runs on the device) knows about. */
export function resyncer(deps: TriggerDeps): () => Promise<void> {
  return async () => {
    const keys = new Set(deps.store.keys());
    for (const runtime of runtimeList(deps.runtimes)) {
      try {
        for (const key of await runtime.heldKeys()) if (isDesiredStateKey(key)) keys.add(key);
      } catch (error) {
        deps.logger.warn({ err: messageOf(error), kind: runtime.kind }, "cannot list for resync");
      }
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
