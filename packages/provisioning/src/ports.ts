// What provisioning needs from its two stores, as narrow interfaces: the IdP's
// machine users (@fleet/zitadel's ZitadelManagement, against real Zitadel or
// the local IdP) and the Device registry (@fleet/kube's DeviceClient, acting
// as whoever runs the command, so Kubernetes RBAC decides).
import type { DeviceResource, DeviceSpec, ZitadelKey } from "@fleet/contracts";

/** The subset of Zitadel's management API that provisioning calls. */
export interface MachineUsers {
  addMachineUser(user: {
    userName: string;
    name: string;
    description?: string;
  }): Promise<{ userId: string }>;
  addMachineKey(
    userId: string,
    options?: { expirationDate?: Date },
  ): Promise<{ keyId: string; key: ZitadelKey }>;
  removeMachineKey(userId: string, keyId: string): Promise<void>;
  deactivateUser(userId: string): Promise<void>;
  reactivateUser(userId: string): Promise<void>;
  removeUser(userId: string): Promise<void>;
}

/** A write that the API server checks in full (authorization, admission, schema) but does not persist. */
export interface DryRun {
  dryRun?: boolean;
}

/** Device CRs, as the caller: every call is authorized by the API server. */
export interface DeviceRegistry {
  /** undefined when there is no such Device. */
  find(id: string): Promise<DeviceResource | undefined>;
  /** Sorted by id; only those matching `labelSelector` (the API server's syntax) when given. */
  list(options?: { labelSelector?: string }): Promise<DeviceResource[]>;
  create(device: DeviceResource, options?: DryRun): Promise<void>;
  /** Merge patch of spec fields. */
  patchSpec(id: string, spec: Partial<DeviceSpec>, options?: DryRun): Promise<void>;
  /** Resolves when deleted; a missing Device is an API error (404). */
  delete(id: string, options?: DryRun): Promise<void>;
}
