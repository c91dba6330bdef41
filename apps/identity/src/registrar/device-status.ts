// The fields of a Device's status that iot-identity owns, as they should be:
// phase (devicePhaseOf the spec), identity (key id, when issued, when last
// rotated) and message (why a device waits). Pure: the registrar compares
// this with what the status says and patches only what differs, so a Device
// that is already right costs no write.
import {
  clipMessage,
  devicePhaseOf,
  type DevicePhase,
  type DeviceSpec,
  type DeviceStatus,
} from "@fleet/contracts";

/** What iot-identity writes into a Device's status; `null` removes a field (merge patch). */
export interface OwnedStatusPatch {
  phase?: DevicePhase;
  identity?: NonNullable<DeviceStatus["identity"]> | null;
  message?: string | null;
}

export const pendingApprovalMessage = (deviceId: string): string =>
  `waiting for a deployer to approve it (dashboard Devices page, or: iot-operator device approve ${deviceId})`;

export const APPROVED_MESSAGE = "approved; its identity is being issued";

function messageFor(
  deviceId: string,
  spec: DeviceSpec,
  issueError: string | undefined,
): string | undefined {
  const phase = devicePhaseOf(spec);
  if (phase === "Enrolled") return undefined;
  if (phase === "Disabled") return "disabled by a deployer (spec.disabled)";
  if (spec.enrollment === undefined)
    return "it has no identity and did not enroll with a key; remove it and add it again (iot-operator device add)";
  if (!spec.approved) return pendingApprovalMessage(deviceId);
  if (issueError !== undefined)
    return clipMessage(`approved, but issuing its identity failed (retrying): ${issueError}`);
  return APPROVED_MESSAGE;
}

function identityFor(
  spec: DeviceSpec,
  current: DeviceStatus["identity"],
  now: Date,
): NonNullable<DeviceStatus["identity"]> | undefined {
  if (spec.identity === undefined) return undefined;
  if (current?.keyId === spec.identity.keyId) return current;
  const at = now.toISOString();
  // A new key id on a device that had one: the key was rotated.
  return current === undefined
    ? { keyId: spec.identity.keyId, issuedAt: at }
    : { keyId: spec.identity.keyId, issuedAt: current.issuedAt, rotatedAt: at };
}

const sameIdentity = (a: DeviceStatus["identity"], b: DeviceStatus["identity"]): boolean =>
  a?.keyId === b?.keyId && a?.issuedAt === b?.issuedAt && a?.rotatedAt === b?.rotatedAt;

/** The merge patch that makes iot-identity's fields right, or undefined when they already are. */
export function ownedStatusPatch(
  deviceId: string,
  spec: DeviceSpec,
  current: Pick<DeviceStatus, "phase" | "identity" | "message">,
  now: Date,
  issueError?: string,
): OwnedStatusPatch | undefined {
  const patch: OwnedStatusPatch = {};
  const phase = devicePhaseOf(spec);
  if (current.phase !== phase) patch.phase = phase;
  const identity = identityFor(spec, current.identity, now);
  if (!sameIdentity(identity, current.identity)) patch.identity = identity ?? null;
  const message = messageFor(deviceId, spec, issueError);
  if (message !== current.message) patch.message = message ?? null;
  return Object.keys(patch).length === 0 ? undefined : patch;
}
