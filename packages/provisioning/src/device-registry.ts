// The Device registry port over @fleet/kube's DeviceClient: what the API
// server returns is parsed with the contracts (a Device that does not match
// them is an error naming the field when read by id, and left out of a list;
// lists come sorted by id).
import { deviceResourceSchema, parseOrThrow, type DeviceResource } from "@fleet/contracts";
import type { DeviceClient, DeviceObject } from "@fleet/kube";
import type { DeviceRegistry } from "./ports.js";

const parse = (object: DeviceObject): DeviceResource =>
  parseOrThrow(deviceResourceSchema, object, `Device ${object.metadata?.name ?? "(unnamed)"}`);

export function deviceRegistry(client: DeviceClient): DeviceRegistry {
  return {
    async find(id) {
      const found = await client.find(id);
      return found === undefined ? undefined : parse(found);
    },
    async list(options = {}) {
      const { items } = await client.list(options);
      return items
        .flatMap((item) => {
          const parsed = deviceResourceSchema.safeParse(item);
          return parsed.success ? [parsed.data] : [];
        })
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    },
    async create(device, options = {}) {
      await client.create(device, options);
    },
    async patchSpec(id, spec, options = {}) {
      await client.patchSpec(id, spec, options);
    },
    async delete(id, options = {}) {
      await client.delete(id, options);
    },
  };
}
