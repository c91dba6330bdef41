// The cached policies, by device and by IdP user, bounded: past `max` devices
// the least recently used is dropped (it is read through again on its next
// connection, which needs the API server).
import { LRUCache } from "lru-cache";
import type { DevicePolicy, PolicyLookup } from "./policy-source.js";

export class PolicyIndex {
  readonly #byDevice: LRUCache<string, DevicePolicy>;
  readonly #devicesByUser = new Map<string, Set<string>>();

  constructor(max: number) {
    this.#byDevice = new LRUCache<string, DevicePolicy>({
      max,
      // Every way a policy leaves the cache (replaced, deleted, evicted) unlinks its user.
      dispose: (policy, deviceId) => {
        this.#unlink(policy.userId, deviceId);
      },
    });
  }

  get size(): number {
    return this.#byDevice.size;
  }

  /** The cached policy of a device, without touching its recency. */
  peek(deviceId: string): DevicePolicy | undefined {
    return this.#byDevice.peek(deviceId);
  }

  set(policy: DevicePolicy): void {
    this.#byDevice.set(policy.deviceId, policy);
    const devices = this.#devicesByUser.get(policy.userId) ?? new Set<string>();
    devices.add(policy.deviceId);
    this.#devicesByUser.set(policy.userId, devices);
  }

  delete(deviceId: string): void {
    this.#byDevice.delete(deviceId);
  }

  /** The cached answer for `userId`, or undefined on a miss. */
  lookup(userId: string): PolicyLookup | undefined {
    const devices = [...(this.#devicesByUser.get(userId) ?? [])];
    if (devices.length === 0) return undefined;
    if (devices.length > 1) return ambiguous(userId, devices);
    const policy = this.#byDevice.get(devices[0] ?? "");
    return policy === undefined ? undefined : { found: true, policy };
  }

  #unlink(userId: string, deviceId: string): void {
    const devices = this.#devicesByUser.get(userId);
    devices?.delete(deviceId);
    if (devices?.size === 0) this.#devicesByUser.delete(userId);
  }
}

/** One IdP user on two Devices is a mistake; admitting either could be the wrong one. */
export function ambiguous(userId: string, devices: readonly string[]): PolicyLookup {
  return {
    found: false,
    reason: `user ${userId} is the identity of several devices (${[...devices].sort().join(", ")})`,
  };
}
