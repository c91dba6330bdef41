// The seam between the identity service and wherever device policies live
// (ADR 0006). Today: the Device CRD (KubernetesPolicySource). An OpenBao or
// Vault source would implement the same four methods.
import type { DeviceGrant } from "@fleet/contracts";

/** What the identity service needs to know to admit (or kick) one device. */
export interface DevicePolicy {
  deviceId: string;
  /** The IdP machine user the device authenticates as (the access token's `sub`). */
  userId: string;
  disabled: boolean;
  grants: DeviceGrant[];
  /**
   * Nothing left to remove on the device before its connection may close (from
   * the operator's Device status): it reported no deployment in its last
   * heartbeat, or it is Offline, or the operator never wrote it a connectivity
   * (nothing known runs there). A disabled device's live connection is closed
   * once this holds (or a drain timeout passes), so it hears its workloads'
   * removal first.
   */
  drained: boolean;
}

export type PolicyLookup = { found: true; policy: DevicePolicy } | { found: false; reason: string };

export interface PolicySource {
  /** The policy of the device whose identity is `userId`, or why there is none. */
  lookup(userId: string): Promise<PolicyLookup>;
  /**
   * Called for every change of a device's policy (a deleted device is reported
   * disabled, with no grants), so live connections can be closed. Returns the
   * unsubscribe function.
   */
  onChange(listener: (device: DevicePolicy) => void): () => void;
  /** Starts following the store; resolves once a first full copy is held (or on stop). */
  start(): Promise<void>;
  stop(): Promise<void>;
}
