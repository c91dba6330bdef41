// Leader election on a coordination.k8s.io Lease (client-node has no helper).
// Same rules as client-go: the holder renews every renewPeriod; another replica
// takes over only after it has watched the record stay unchanged for a whole
// leaseDuration on its own clock (so clock skew between replicas does not
// matter); a leader that cannot renew within its deadline stops at once.
import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
} from "@kubernetes/client-node";
import { setTimeout as delay } from "node:timers/promises";
import { describeError, LeadershipLostError } from "../errors.js";
import { isConflict, isNotFound } from "@fleet/kube";
import type { Logger } from "../logger.js";

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  durationMs: number;
  renewPeriodMs: number;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #options: LeaseOptions;
  readonly #log: Logger;
  /** What we last saw in the Lease, and when (our clock) it last changed. */
  #observed: { record: string; atMs: number } | undefined;
  #leading = false;
  #lastRenewMs = 0;
  #stopped = false;

  constructor(kc: KubeConfig, options: LeaseOptions, log: Logger) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#options = options;
    this.#log = log.child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
  }

  /** True only while the lease is held and was renewed within its duration. */
  isLeader(): boolean {
    return this.#leading && Date.now() - this.#lastRenewMs < this.#renewDeadlineMs();
  }

  /** Resolves once this replica holds the lease. */
  async acquire(): Promise<void> {
    this.#log.info("waiting for leadership");
    while (!this.#stopped) {
      if (await this.#tryAcquireOrRenew()) {
        this.#leading = true;
        this.#log.info("became leader");
        return;
      }
      await delay(this.#jittered(this.#options.renewPeriodMs));
    }
  }

  /**
   * Renews until leadership is lost, then calls onLost exactly once. Never
   * resolves while leading; the caller's onLost must stop all writes at once.
   */
  async keepRenewing(onLost: (error: LeadershipLostError) => void): Promise<void> {
    while (!this.#stopped) {
      await delay(this.#options.renewPeriodMs);
      if (this.#isStopped()) return;
      const renewed = await this.#tryAcquireOrRenew();
      if (!renewed && Date.now() - this.#lastRenewMs >= this.#renewDeadlineMs()) {
        this.#leading = false;
        onLost(
          new LeadershipLostError(
            `lease ${this.#options.namespace}/${this.#options.name} lost by ${this.#options.identity}`,
          ),
        );
        return;
      }
    }
  }

  /** Graceful shutdown: give the lease up so a standby takes over without waiting. */
  async release(): Promise<void> {
    this.#stopped = true;
    if (!this.#leading) return;
    this.#leading = false;
    try {
      const lease = await this.#read();
      if (lease?.spec?.holderIdentity !== this.#options.identity) return;
      lease.spec.holderIdentity = undefined;
      lease.spec.acquireTime = undefined;
      lease.spec.renewTime = undefined;
      // A 1 s duration lets a standby take over on its next try.
      lease.spec.leaseDurationSeconds = 1;
      await this.#api.replaceNamespacedLease({
        namespace: this.#options.namespace,
        name: this.#options.name,
        body: lease,
      });
      this.#log.info("released leadership");
    } catch (error) {
      this.#log.warn({ err: describeError(error) }, "could not release the lease; it will expire");
    }
  }

  /** A method, not the field: the field changes while this loop awaits. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  #renewDeadlineMs(): number {
    // Stop well before another replica may take over (it waits a full duration).
    return this.#options.durationMs - this.#options.renewPeriodMs;
  }

  #jittered(ms: number): number {
    return Math.round(ms * (1 + Math.random() * 0.2));
  }

  async #read(): Promise<V1Lease | undefined> {
    try {
      return await this.#api.readNamespacedLease({
        namespace: this.#options.namespace,
        name: this.#options.name,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  #spec(previous: V1Lease | undefined, now: V1MicroTime): NonNullable<V1Lease["spec"]> {
    const held = previous?.spec?.holderIdentity === this.#options.identity;
    return {
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: Math.ceil(this.#options.durationMs / 1000),
      acquireTime: (held ? previous.spec?.acquireTime : undefined) ?? now,
      renewTime: now,
      leaseTransitions:
        (previous?.spec?.leaseTransitions ?? 0) + (held || previous === undefined ? 0 : 1),
    };
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.#options;
    try {
      const lease = await this.#read();
      const now = new V1MicroTime();
      if (lease === undefined) {
        await this.#api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: this.#spec(undefined, now) },
        });
        this.#lastRenewMs = Date.now();
        return true;
      }
      const holder = lease.spec?.holderIdentity;
      const record = `${holder ?? ""}|${String(lease.spec?.renewTime?.valueOf() ?? "")}|${lease.metadata?.resourceVersion ?? ""}`;
      if (this.#observed?.record !== record) this.#observed = { record, atMs: Date.now() };
      const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
      const expired = Date.now() - this.#observed.atMs >= durationMs;
      if (holder !== identity && holder !== undefined && holder !== "" && !expired) return false;
      await this.#api.replaceNamespacedLease({
        namespace,
        name,
        // resourceVersion in metadata makes this a compare-and-swap: two takers, one wins.
        body: { metadata: lease.metadata, spec: this.#spec(lease, now) },
      });
      this.#lastRenewMs = Date.now();
      if (holder !== identity) this.#log.info({ previousHolder: holder }, "took over the lease");
      return true;
    } catch (error) {
      if (!isConflict(error)) this.#log.warn({ err: describeError(error) }, "lease request failed");
      return false;
    }
  }
}
