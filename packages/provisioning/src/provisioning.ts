// Provisioning and revocation of devices: each device is an IdP machine user
// (userName = device id) with a key pair, plus a Device CR that names that
// user and key and holds the device's policy. Every operation makes an
// authorized Kubernetes call (real or dry-run) BEFORE it touches the IdP, so a
// caller whom RBAC refuses never makes the IdP change anything, even when the
// IdP calls run with an admin key the caller does not hold (the dashboard).
// A step that fails undoes the steps before it, so no machine user or key is
// left without its Device, and no Device names a key that does not exist.
import {
  deviceIdSchema,
  deviceManifest,
  isPayloadError,
  type DeviceCredentials,
  type DeviceIdentity,
  type DeviceResource,
} from "@fleet/contracts";
import { isConflict, isNotFound } from "@fleet/kube";
import { assembleCredentials, type CredentialsContext } from "./credentials.js";
import { ProvisioningError } from "./errors.js";
import { isIdpNotFound, isIdpPrecondition, isIdpConflict } from "./idp-errors.js";
import type { DeviceRegistry, DryRun, MachineUsers } from "./ports.js";

export interface ProvisioningOptions {
  /** The IdP's machine users (an admin's token; see docs/devices.md for its scope). */
  idp: MachineUsers;
  /** Device CRs as the caller, so Kubernetes RBAC decides who may provision. */
  devices: DeviceRegistry;
  /** Written into every credential file. */
  credentials: CredentialsContext;
}

export interface AddDeviceInput {
  id: string;
  labels?: Record<string, string>;
}

export interface DeliveryOptions {
  /**
   * Hands the new credentials over (writes the file) before the operation is
   * final. If it throws, the operation is undone: nothing is left that only a
   * lost file could use, and a rotated device keeps its old key.
   */
  deliver?: (credentials: DeviceCredentials) => Promise<void>;
}

export interface Provisioning {
  /** Creates the machine user, its key and the Device CR; returns the credential file's content. */
  addDevice(input: AddDeviceInput, options?: DeliveryOptions): Promise<DeviceCredentials>;
  /** spec.disabled = true (the identity service refuses and kicks it) and the IdP user deactivated. */
  disableDevice(id: string): Promise<void>;
  /** spec.disabled = false and the IdP user reactivated. */
  enableDevice(id: string): Promise<void>;
  /** A new key, recorded in spec.identity.keyId; then the old key is removed at the IdP. */
  rotateDeviceKey(id: string, options?: DeliveryOptions): Promise<DeviceCredentials>;
  /** Removes the IdP user (and so every key) and the Device CR. */
  removeDevice(id: string): Promise<void>;
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

function validId(id: string): string {
  const parsed = deviceIdSchema.safeParse(id);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw new ProvisioningError("invalid", `invalid device id "${id}": ${reason}`, {
      field: "id",
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function manifest(
  id: string,
  labels: Record<string, string> | undefined,
  identity?: DeviceIdentity,
): DeviceResource {
  try {
    return deviceManifest({
      name: id,
      ...(labels === undefined ? {} : { labels }),
      spec: identity === undefined ? {} : { identity },
    });
  } catch (error) {
    if (!isPayloadError(error)) throw error;
    const labelIssues = error.issues.filter((issue) => issue.path.startsWith("metadata.labels"));
    if (labelIssues.length === 0) throw error;
    const detail = labelIssues
      .map(
        (issue) => `${issue.path.replace(/^metadata\.labels/, "") || "labels"}: ${issue.message}`,
      )
      .join("; ");
    throw new ProvisioningError("invalid", `invalid labels: ${detail}`, {
      field: "labels",
      cause: error,
    });
  }
}

/** Runs `undo` after `error`; if undoing fails too, says so, since someone must clean up by hand. */
async function undoing(error: unknown, what: string, undo: () => Promise<void>): Promise<never> {
  try {
    await undo();
  } catch (undoError) {
    throw new Error(`${describe(error)}; and ${what} failed too: ${describe(undoError)}`, {
      cause: error,
    });
  }
  throw error;
}

/** Tolerates what a repeated call finds already done at the IdP (the state it wants is there). */
async function idempotent(call: () => Promise<void>, already: (error: unknown) => boolean) {
  try {
    await call();
  } catch (error) {
    if (!already(error)) throw error;
  }
}

export function createProvisioning(options: ProvisioningOptions): Provisioning {
  const { idp, devices, credentials } = options;

  async function existing(id: string): Promise<DeviceResource> {
    const device = await devices.find(id);
    if (device === undefined)
      throw new ProvisioningError("not-found", `device "${id}" does not exist`, { field: "id" });
    return device;
  }

  function identityOf(device: DeviceResource): DeviceIdentity {
    const identity = device.spec.identity;
    if (identity === undefined) {
      throw new ProvisioningError(
        "no-identity",
        `device "${device.metadata.name}" has no IdP identity (spec.identity); remove it and add it again`,
        { field: "id" },
      );
    }
    return identity;
  }

  /**
   * The CR first: from that patch on the identity service refuses (and kicks) a
   * disabled device. Then the IdP user, so it gets no token either; a user
   * already in that state is fine.
   */
  async function setDisabled(id: string, disabled: boolean): Promise<void> {
    const device = await existing(validId(id));
    await devices.patchSpec(id, { disabled });
    const userId = device.spec.identity?.userId;
    if (userId === undefined) return;
    await idempotent(
      () => (disabled ? idp.deactivateUser(userId) : idp.reactivateUser(userId)),
      isIdpPrecondition,
    );
  }

  const alreadyExists = (id: string, cause: unknown): ProvisioningError =>
    new ProvisioningError("exists", `device "${id}" already exists`, { field: "id", cause });

  /** Creates (or dry-runs) the Device; a Device already there (409) is `exists`. */
  const createDevice = (device: DeviceResource, options: DryRun = {}): Promise<void> =>
    devices.create(device, options).catch((error: unknown) => {
      throw isConflict(error) ? alreadyExists(device.metadata.name, error) : error;
    });

  return {
    async addDevice(input, delivery = {}) {
      const id = validId(input.id);
      const planned = manifest(id, input.labels);
      if ((await devices.find(id)) !== undefined) throw alreadyExists(id, undefined);
      // Authorization, admission and schema, before the IdP is touched.
      await createDevice(planned, { dryRun: true });
      const { userId } = await idp
        .addMachineUser({ userName: id, name: id, description: `fleet device ${id}` })
        .catch((error: unknown) => {
          if (!isIdpConflict(error)) throw error;
          throw new ProvisioningError(
            "exists",
            `the IdP already has a user named "${id}" (left over from an interrupted add?); remove it there or choose another device id`,
            { field: "id", cause: error },
          );
        });
      const removeUser = (): Promise<void> => idp.removeUser(userId);
      try {
        const { keyId, key } = await idp.addMachineKey(userId);
        const result = assembleCredentials(id, key, credentials);
        await createDevice(manifest(id, input.labels, { userId, keyId }));
        if (delivery.deliver !== undefined) {
          await delivery
            .deliver(result)
            .catch((error: unknown) =>
              undoing(error, `removing device "${id}" again`, () => devices.delete(id)),
            );
        }
        return result;
      } catch (error) {
        return await undoing(error, `removing the IdP user ${userId} of "${id}"`, removeUser);
      }
    },

    disableDevice: (id) => setDisabled(id, true),

    enableDevice: (id) => setDisabled(id, false),

    async rotateDeviceKey(id, delivery = {}) {
      const device = await existing(validId(id));
      const old = identityOf(device);
      await devices.patchSpec(id, { identity: old }, { dryRun: true });
      const { keyId, key } = await idp.addMachineKey(old.userId);
      const removeNewKey = (): Promise<void> => idp.removeMachineKey(old.userId, keyId);
      let result: DeviceCredentials;
      try {
        result = assembleCredentials(id, key, credentials);
        await devices.patchSpec(id, { identity: { userId: old.userId, keyId } });
      } catch (error) {
        return await undoing(error, `removing the new key ${keyId}`, removeNewKey);
      }
      if (delivery.deliver !== undefined) {
        await delivery.deliver(result).catch((error: unknown) =>
          undoing(error, `restoring key ${old.keyId} on device "${id}"`, async () => {
            await devices.patchSpec(id, { identity: old });
            await removeNewKey();
          }),
        );
      }
      try {
        await idempotent(() => idp.removeMachineKey(old.userId, old.keyId), isIdpNotFound);
      } catch (error) {
        throw new Error(
          `device "${id}" has its new key ${keyId}, but removing the old key ${old.keyId} at the IdP failed (${describe(error)}); remove that key at the IdP (user ${old.userId})`,
          { cause: error },
        );
      }
      return result;
    },

    async removeDevice(id) {
      const device = await existing(validId(id));
      await devices.delete(id, { dryRun: true });
      const identity = device.spec.identity;
      // The IdP user first: if that fails the Device is still there, so a retry finds its userId.
      if (identity !== undefined)
        await idempotent(() => idp.removeUser(identity.userId), isIdpNotFound);
      await idempotent(() => devices.delete(id), isNotFound);
    },
  };
}
