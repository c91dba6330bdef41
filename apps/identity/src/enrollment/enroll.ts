// POST /v1/enrollments: a device presents an enrollment token and its own
// public key. The token is checked and its use counted (token-uses.ts), then
// the Device is created in PendingApproval with the token's labels, the key
// and, for an auto-approve token, spec.approved; the registrar issues its
// identity once it is approved. A device id that exists is refused (409) and
// the use given back: nothing already enrolled is touched.
import {
  deviceInventorySummarySchema,
  deviceManifest,
  EnrollmentTokenFormatError,
  parseEnrollmentToken,
  type EnrollmentRequest,
  type EnrollmentResponse,
  type DeviceStatus,
} from "@fleet/contracts";
import { isConflict, type DeviceClient } from "@fleet/kube";
import type { Logger } from "@fleet/runtime";
import { APPROVED_MESSAGE, pendingApprovalMessage } from "../registrar/device-status.js";
import { enrollmentPublicKey } from "./public-key.js";
import { EnrollmentRefusal, isEnrollmentRefusal } from "./refusal.js";
import type { TokenUses } from "./token-uses.js";

export interface EnrollDependencies {
  tokens: TokenUses;
  /** As iot-identity: it may create Devices and patch their status. */
  devices: DeviceClient;
  log: Logger;
  now?: () => Date;
}

function tokenParts(text: string): { name: string; secret: string } {
  try {
    return parseEnrollmentToken(text);
  } catch (error) {
    if (error instanceof EnrollmentTokenFormatError)
      throw new EnrollmentRefusal(400, `token: ${error.message}`);
    throw error;
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export async function enroll(
  request: EnrollmentRequest,
  deps: EnrollDependencies,
): Promise<EnrollmentResponse> {
  const now = deps.now ?? (() => new Date());
  const { deviceId } = request;
  enrollmentPublicKey(request.publicKey);
  const { name, secret } = tokenParts(request.token);
  const used = (result: "Accepted" | "Refused", reason?: string): void => {
    // Every use is logged (the CR keeps only the recent ones); never the secret.
    deps.log.info({ token: name, device: deviceId, result, reason }, "enrollment token use");
  };

  let token;
  try {
    token = await deps.tokens.claim(name, secret, deviceId, now);
  } catch (error) {
    if (isEnrollmentRefusal(error)) used("Refused", error.message);
    throw error;
  }
  const approved = token.spec.autoApprove;
  try {
    await deps.devices.create(
      deviceManifest({
        name: deviceId,
        ...(token.spec.labels === undefined ? {} : { labels: token.spec.labels }),
        spec: {
          approved,
          enrollment: {
            publicKey: request.publicKey,
            token: name,
            requestedAt: now().toISOString(),
          },
        },
      }),
    );
  } catch (error) {
    // Whatever stopped the Device (taken id, API server, RBAC), the use is given back.
    const reason = isConflict(error)
      ? `device "${deviceId}" already exists; enroll with another device id (--device-id), or remove that Device first`
      : `the Device could not be created: ${describe(error)}`;
    used("Refused", reason);
    await deps.tokens.giveBack(name, deviceId, reason, now()).catch((giveBackError: unknown) => {
      deps.log.error(
        { token: name, device: deviceId, err: describe(giveBackError) },
        "an enrollment token use could not be given back",
      );
    });
    if (isConflict(error)) throw new EnrollmentRefusal(409, reason);
    throw error;
  }
  used("Accepted");
  // The registrar's words, so its first pass over this Device writes nothing more.
  const message = approved ? APPROVED_MESSAGE : pendingApprovalMessage(deviceId);
  // What the device said about itself, so a deployer sees what asks to join; the
  // operator overwrites version and inventory once the device reports.
  const statusPatch = {
    phase: "PendingApproval",
    message,
    ...(request.agentVersion === undefined ? {} : { agentVersion: request.agentVersion }),
    ...(request.inventory === undefined
      ? {}
      : { inventory: deviceInventorySummarySchema.parse(request.inventory) }),
  } satisfies Partial<DeviceStatus>;
  await deps.devices.patchStatus(deviceId, statusPatch).catch((error: unknown) => {
    // The registrar writes the phase too; the enrollment itself stands.
    deps.log.warn({ device: deviceId, err: describe(error) }, "enrolled Device status not written");
  });
  return { deviceId, phase: "PendingApproval", message };
}
