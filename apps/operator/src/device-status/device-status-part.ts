// The Device status writer as one part of the operator: a watch of Devices
// (cut down to the fields it compares), the writer, and the heartbeat fan-out
// that feeds it beside the device store. Started and stopped with the
// controller, so only the leader writes.
import type { KubeConfig } from "@kubernetes/client-node";
import { DeviceClient, type ResourceWatch, type DeviceObject } from "@fleet/kube";
import type { RunConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { HeartbeatSink } from "../nats/agent-status-watch.js";
import { DeviceStatusWriter, keepForStatus } from "./device-status-writer.js";

/** Devices listed per page, each page cut down before the next is read. */
const LIST_PAGE_SIZE = 500;

export interface DeviceStatusPart {
  /** Feeds every heartbeat to `store` and to the writer. */
  alongside(store: HeartbeatSink): HeartbeatSink;
  start(): void;
  stop(): Promise<void>;
}

export function deviceStatusPart(
  config: Pick<
    RunConfig,
    "stalenessWindowMs" | "deviceStatusPatchesPerSecond" | "lastSeenRefreshMs"
  >,
  deps: { kc: KubeConfig; log: Logger; metrics: Metrics; canWrite: () => boolean },
): DeviceStatusPart {
  const client = DeviceClient.forKubeConfig(deps.kc);
  const writer = new DeviceStatusWriter(
    { patchStatus: (name, status) => client.patchStatus(name, status) },
    {
      windowMs: config.stalenessWindowMs,
      patchesPerSecond: config.deviceStatusPatchesPerSecond,
      lastSeenRefreshMs: config.lastSeenRefreshMs,
      canWrite: deps.canWrite,
    },
    deps.log,
    deps.metrics,
  );
  let watch: ResourceWatch<DeviceObject> | undefined;
  return {
    alongside: (store) => ({
      put(device, status, receivedAtMs) {
        store.put(device, status, receivedAtMs);
        writer.heartbeat(device, status, receivedAtMs);
      },
      remove(device) {
        store.remove(device);
        writer.forget(device);
      },
    }),
    start() {
      writer.start();
      watch = client.watch(writer.deviceHandlers, {
        log: deps.log,
        keep: keepForStatus,
        cache: writer.devices,
        pageSize: LIST_PAGE_SIZE,
        onRestart: (reason) => {
          deps.metrics.watchRestarts.inc({ watch: "device-status", reason });
        },
      });
    },
    async stop() {
      watch?.stop();
      await writer.stop();
    },
  };
}
