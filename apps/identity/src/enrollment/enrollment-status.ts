// POST /v1/enrollments/status: a device that enrolled asks how it stands,
// proving with its enrollment key who it is. Pending and disabled devices
// hear why they wait; an enrolled one gets what it needs besides its own
// private key to write its credential file (the identity issued for that key).
import {
  deviceSpecSchema,
  deviceStatusSchema,
  type EnrollmentStatusRequest,
  type EnrollmentStatusResponse,
  type IssuedIdentity,
} from "@fleet/contracts";
import type { DeviceClient, DeviceObject } from "@fleet/kube";
import { pendingApprovalMessage } from "../registrar/device-status.js";
import { readDevice } from "../registrar/read-device.js";
import { verifyEnrollmentProof } from "./proof.js";
import { enrollmentPublicKey } from "./public-key.js";
import { EnrollmentRefusal } from "./refusal.js";

export interface StatusDependencies {
  devices: DeviceClient;
  /** The registrar's watch cache: a waiting device's polls cost the API server nothing. */
  cached?: (name: string) => DeviceObject | undefined;
  /** The status URL as devices reach it: every proof's audience. */
  audience: string;
  /** The same for every device of this fleet: the IdP, its project, NATS. */
  fleet: Omit<IssuedIdentity, "userId" | "keyId">;
}

const hasEnrollment = (device: DeviceObject | undefined): device is DeviceObject =>
  typeof device?.spec === "object" && device.spec !== null && "enrollment" in device.spec;

export async function enrollmentStatus(
  request: EnrollmentStatusRequest,
  deps: StatusDependencies,
): Promise<EnrollmentStatusResponse> {
  const { deviceId } = request;
  const cached = deps.cached?.(deviceId);
  // Only a pending device's projection still holds its key; otherwise read it.
  const device = hasEnrollment(cached) ? cached : await readDevice(deps.devices, deviceId);
  if (device === undefined)
    throw new EnrollmentRefusal(
      404,
      `device "${deviceId}" is not enrolled here (it never enrolled, or a deployer removed it)`,
    );
  const spec = deviceSpecSchema.safeParse(device.spec);
  if (!spec.success)
    throw new EnrollmentRefusal(409, `device "${deviceId}" has a malformed spec; ask a deployer`);
  const { enrollment, identity, disabled } = spec.data;
  if (enrollment === undefined)
    throw new EnrollmentRefusal(
      409,
      `device "${deviceId}" was added by a deployer, not enrolled with a token: it has no enrollment key`,
    );
  await verifyEnrollmentProof(
    request.proof,
    deviceId,
    enrollmentPublicKey(enrollment.publicKey),
    deps.audience,
  );
  if (disabled)
    return { phase: "Disabled", message: `device "${deviceId}" has been disabled by a deployer` };
  if (identity !== undefined)
    return { phase: "Enrolled", identity: { ...deps.fleet, ...identity } };
  const status = deviceStatusSchema.safeParse(device.status ?? {});
  const message =
    (status.success ? status.data.message : undefined) ?? pendingApprovalMessage(deviceId);
  return { phase: "PendingApproval", message };
}
