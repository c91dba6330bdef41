// The API server's view of what happens to the Devices: one list-then-watch
// (the shared ResourceWatch) that counts every write to a Device (in a window
// with no label edits, each one is a status patch) and how many Devices'
// status says Online. Of each Device only its name, version and connectivity
// are kept (paged list, each page cut down before the next).
import { DeviceClient, deviceNameOf, type DeviceObject, type ResourceWatch } from "@fleet/kube";
import { adminKubeConfig } from "./kube-admin.js";
import type { Logger } from "./logger.js";

const connectivityOf = (device: DeviceObject): string | undefined =>
  (device.status as { connectivity?: string } | undefined)?.connectivity;

const isOnline = (device: DeviceObject): boolean => connectivityOf(device) === "Online";

const cutDown = (device: DeviceObject): DeviceObject => ({
  metadata: { name: deviceNameOf(device), resourceVersion: device.metadata?.resourceVersion ?? "" },
  status: { connectivity: connectivityOf(device) },
});

export class DeviceWritesWatch {
  /** Device writes seen since the watch listed (adds and modifications). */
  writes = 0;
  /** Writes that turned a Device's status from Online to anything else (flapping, if any). */
  wentOffline = 0;
  /** Writes that turned a Device's status Online from anything else. */
  cameOnline = 0;
  readonly #online = new Set<string>();
  #watch: ResourceWatch<DeviceObject> | undefined;

  static async open(logger: Logger): Promise<DeviceWritesWatch> {
    const client = DeviceClient.forKubeConfig(await adminKubeConfig());
    const observer = new DeviceWritesWatch();
    await new Promise<void>((synced) => {
      observer.#watch = client.watch(
        {
          changed: (name, device) => {
            observer.writes += 1;
            const was = observer.#online.has(name);
            if (was && !isOnline(device)) observer.wentOffline += 1;
            if (!was && isOnline(device)) observer.cameOnline += 1;
            observer.#note(name, device);
          },
          deleted: (name) => {
            observer.#online.delete(name);
          },
          listed: (_names, items) => {
            observer.#online.clear();
            for (const device of items) observer.#note(deviceNameOf(device), device);
            synced();
          },
        },
        { log: logger, keep: cutDown, pageSize: 500 },
      );
    });
    return observer;
  }

  #note(name: string, device: DeviceObject): void {
    if (isOnline(device)) this.#online.add(name);
    else this.#online.delete(name);
  }

  /** Devices whose status.connectivity is Online now. */
  online(): number {
    return this.#online.size;
  }

  async close(): Promise<void> {
    await this.#watch?.close();
  }
}
