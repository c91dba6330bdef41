// A device's connection: its IdP access token verified, its Device found by
// the token's subject (the machine user), and refused when unknown or
// disabled. Admitted as `device:<id>` with exactly its grants' permissions,
// until the token expires (or the service's cap, whichever is first).
import { devicePermissions } from "@fleet/contracts";
import type { AuthorizationRequest } from "@nats-io/jwt";
import { refuse, type Decision } from "../callout/decision.js";
import { userClaimsOf } from "../callout/user-claims.js";
import type { PolicySource } from "../policy/index.js";
import { isTokenRefusedError, type AccessTokenVerifier } from "./access-token.js";

/** The user JWT's name, which nats-server reports as the connection's user (connz). */
export const deviceUserName = (deviceId: string): string => `device:${deviceId}`;

export interface DeviceAdmissionOptions {
  verifier: AccessTokenVerifier;
  policies: Pick<PolicySource, "lookup">;
  /** A device's user JWT expires at the latest this long after it connected. */
  maxLifetimeMs: number;
}

export async function admitDevice(
  request: AuthorizationRequest,
  token: string,
  options: DeviceAdmissionOptions,
  now: number,
): Promise<Decision> {
  // Devices run the agent over TCP; a device token on a websocket is someone else's.
  if (request.client_info.type !== "nats") {
    return refuse("device", "wrong-connection-type", "device tokens are for TCP clients");
  }
  let verified;
  try {
    verified = await options.verifier.verify(token, now);
  } catch (error) {
    if (!isTokenRefusedError(error)) throw error;
    return refuse("device", error.code, error.message);
  }
  const lookup = await options.policies.lookup(verified.userId);
  if (!lookup.found) {
    return refuse("device", "device-unknown", `user ${verified.userId}: ${lookup.reason}`);
  }
  const { policy } = lookup;
  if (policy.disabled) {
    return refuse("device", "device-disabled", `device ${policy.deviceId} is disabled`);
  }
  return {
    admit: true,
    kind: "device",
    name: deviceUserName(policy.deviceId),
    claims: userClaimsOf(devicePermissions(policy.deviceId, policy.grants), {
      connectionTypes: ["STANDARD"],
    }),
    expiresAt: Math.min(verified.expiresAt, now + options.maxLifetimeMs),
    subject: policy.deviceId,
  };
}
