// Issues an approved, enrolled device its identity: an IdP machine user named
// after the device and, as its only key, the public key the device enrolled
// with (Zitadel's AddMachineKey with `publicKey`: no private key is made or
// seen here). spec.identity is then written only if the Device's spec is
// still the one that was read (same uid and generation; status writes do not
// move the generation), so a deployer who withdrew the approval, disabled or
// removed the device meanwhile, or another replica that issued first, wins:
// the user is removed again and nothing is written. A failure after the user
// was added removes it too.
import { deviceSpecSchema, type DeviceSpec } from "@fleet/contracts";
import { isNotFound, isUnprocessable, type DeviceClient } from "@fleet/kube";
import { isZitadelAlreadyExists } from "@fleet/zitadel";
import { readDevice } from "./read-device.js";

/** The part of Zitadel's management API (ZitadelManagement) that issuing needs. */
export interface MachineIdentities {
  addMachineUser(user: {
    userName: string;
    name: string;
    description?: string;
  }): Promise<{ userId: string }>;
  addMachineKey(userId: string, options: { publicKey: string }): Promise<{ keyId: string }>;
  removeUser(userId: string): Promise<void>;
}

/** An approved device that enrolled with a key and has no identity yet. */
export const needsIdentity = (spec: DeviceSpec): boolean =>
  spec.approved && !spec.disabled && spec.enrollment !== undefined && spec.identity === undefined;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export type IssueOutcome = "issued" | "not-needed";

export async function issueIdentity(
  deviceId: string,
  deps: { devices: DeviceClient; idp: MachineIdentities },
): Promise<IssueOutcome> {
  // Read afresh: the watch's cache keeps no keys, and the version must be the newest.
  const device = await readDevice(deps.devices, deviceId);
  if (device === undefined) return "not-needed";
  const spec = deviceSpecSchema.parse(device.spec);
  const enrollment = spec.enrollment;
  if (!needsIdentity(spec) || enrollment === undefined) return "not-needed";
  const { userId } = await deps.idp
    .addMachineUser({
      userName: deviceId,
      name: deviceId,
      description: `fleet device ${deviceId}, enrolled with token ${enrollment.token}`,
    })
    .catch((error: unknown) => {
      if (isZitadelAlreadyExists(error))
        throw new Error(
          `the IdP already has a user named "${deviceId}" (left over from an interrupted issue, or another system's); remove it there`,
          { cause: error },
        );
      throw error;
    });
  try {
    const { keyId } = await deps.idp.addMachineKey(userId, { publicKey: enrollment.publicKey });
    await deps.devices.jsonPatch(deviceId, [
      { op: "test", path: "/metadata/uid", value: device.metadata?.uid },
      { op: "test", path: "/metadata/generation", value: device.metadata?.generation },
      { op: "add", path: "/spec/identity", value: { userId, keyId } },
    ]);
    return "issued";
  } catch (error) {
    try {
      await deps.idp.removeUser(userId);
    } catch (undoError) {
      throw new Error(
        `${describe(error)}; and removing the IdP user ${userId} again failed: ${describe(undoError)}`,
        { cause: error },
      );
    }
    // Gone or changed meanwhile: the next look at the Device decides again.
    if (isNotFound(error) || isUnprocessable(error)) return "not-needed";
    throw error;
  }
}
