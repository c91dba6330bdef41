// Device policies from the Device CRD (ADR 0006): one watch of every Device
// keeps a bounded cache of their policies; a user the cache does not know is
// read through to the API server (a device added a moment ago connects at
// once). While the API server is away, cached devices keep their policy and
// an unknown one is refused: "policy store unavailable".
import { DeviceClient, type DeviceObject, type ResourceWatch } from "@fleet/kube";
import type { Logger } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import { setTimeout as delay } from "node:timers/promises";
import { identityOnly, readDevice, revokedPolicy, samePolicy } from "./device-policy.js";
import { ambiguous, PolicyIndex } from "./policy-index.js";
import type { DevicePolicy, PolicyLookup, PolicySource } from "./policy-source.js";

export interface KubernetesPolicySourceOptions {
  kubeConfig: KubeConfig;
  log: Logger;
  /** Most device policies cached (default 100 000); past it the least recently used goes. */
  maxCached?: number;
  /** A read-through slower than this counts as the store being unavailable (default 2 s). */
  readThroughTimeoutMs?: number;
  /** Restart a watch that saw nothing for this long (default 90 s). */
  watchdogMs?: number;
}

export const POLICY_STORE_UNAVAILABLE = "policy store unavailable";
const DEFAULT_MAX_CACHED = 100_000;
const DEFAULT_READ_THROUGH_TIMEOUT_MS = 2000;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class KubernetesPolicySource implements PolicySource {
  readonly #client: DeviceClient;
  readonly #log: Logger;
  readonly #options: KubernetesPolicySourceOptions;
  readonly #index: PolicyIndex;
  readonly #listeners = new Set<(device: DevicePolicy) => void>();
  /** One read-through per user at a time: a reconnect storm asks the API server once. */
  readonly #readingThrough = new Map<string, Promise<PolicyLookup>>();
  #watch: ResourceWatch<DeviceObject> | undefined;
  #started: Promise<void> | undefined;
  #markSynced: (() => void) | undefined;

  constructor(options: KubernetesPolicySourceOptions) {
    this.#options = options;
    this.#client = DeviceClient.forKubeConfig(options.kubeConfig);
    this.#log = options.log;
    this.#index = new PolicyIndex(options.maxCached ?? DEFAULT_MAX_CACHED);
  }

  /** Policies held now (for metrics and tests). */
  get cachedCount(): number {
    return this.#index.size;
  }

  start(): Promise<void> {
    this.#started ??= new Promise<void>((resolve) => {
      this.#markSynced = resolve;
      this.#watch = this.#client.watch(
        {
          changed: (_name, device) => {
            this.#absorb(device);
          },
          deleted: (name) => {
            this.#forget(name);
          },
          listed: (_names, devices) => {
            for (const device of devices) this.#absorb(device);
            this.#markSynced?.();
          },
        },
        {
          log: this.#log,
          // The watch only needs names to notice deletions; policies live in the index.
          keep: identityOnly,
          ...(this.#options.watchdogMs === undefined
            ? {}
            : { watchdogMs: this.#options.watchdogMs }),
        },
      );
    });
    return this.#started;
  }

  async stop(): Promise<void> {
    await this.#watch?.close();
    this.#watch = undefined;
    // A start still waiting for its first list has nothing more to wait for.
    this.#markSynced?.();
  }

  onChange(listener: (device: DevicePolicy) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async lookup(userId: string): Promise<PolicyLookup> {
    const cached = this.#index.lookup(userId);
    if (cached !== undefined) return cached;
    const pending = this.#readingThrough.get(userId);
    if (pending !== undefined) return pending;
    const reading = this.#readThrough(userId).finally(() => {
      this.#readingThrough.delete(userId);
    });
    this.#readingThrough.set(userId, reading);
    return reading;
  }

  async #readThrough(userId: string): Promise<PolicyLookup> {
    const timeoutMs = this.#options.readThroughTimeoutMs ?? DEFAULT_READ_THROUGH_TIMEOUT_MS;
    const timeout = new AbortController();
    let devices: DeviceObject[];
    try {
      devices = await Promise.race([
        this.#client.listByUserId(userId),
        delay(timeoutMs, undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`no answer within ${timeoutMs} ms`);
        }),
      ]);
    } catch (error) {
      this.#log.warn(
        { userId, err: describeError(error) },
        "device registry unreachable; refusing a device not seen before",
      );
      return { found: false, reason: POLICY_STORE_UNAVAILABLE };
    } finally {
      timeout.abort();
    }
    const policies: DevicePolicy[] = [];
    for (const device of devices) {
      const policy = this.#absorb(device);
      if (policy?.userId === userId) policies.push(policy);
    }
    const [policy, ...others] = policies;
    if (policy === undefined) return { found: false, reason: "no device has this identity" };
    if (others.length > 0)
      return ambiguous(
        userId,
        policies.map((p) => p.deviceId),
      );
    return { found: true, policy };
  }

  /** Caches what a Device says, telling listeners when its policy changed. */
  #absorb(device: DeviceObject): DevicePolicy | undefined {
    const reading = readDevice(device);
    if (reading.kind !== "policy") {
      if (reading.kind === "malformed") {
        this.#log.warn({ device: reading.deviceId, problem: reading.problem }, "device ignored");
      }
      // Without a (valid) identity nobody can connect as it: drop what was cached.
      this.#forget(reading.deviceId);
      return undefined;
    }
    const { policy } = reading;
    const before = this.#index.peek(policy.deviceId);
    if (before !== undefined && samePolicy(before, policy)) return before;
    this.#index.set(policy);
    this.#emit(policy);
    return policy;
  }

  #forget(deviceId: string): void {
    const before = this.#index.peek(deviceId);
    if (before === undefined) return;
    this.#index.delete(deviceId);
    this.#emit(revokedPolicy(deviceId, before.userId));
  }

  #emit(policy: DevicePolicy): void {
    for (const listener of this.#listeners) {
      try {
        listener(policy);
      } catch (error) {
        this.#log.error(
          { device: policy.deviceId, err: describeError(error) },
          "policy listener failed",
        );
      }
    }
  }
}
