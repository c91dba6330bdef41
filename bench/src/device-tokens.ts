// Devices' access tokens, obtained as the agent obtains them: a JWT assertion
// signed with the device's key, exchanged at the IdP's token endpoint (the
// JWT-profile grant) for the device's project scopes.
import type { DeviceCredentials } from "@fleet/contracts";
import { deviceScopes, fetchTrusting, JwtProfileTokenSource } from "@fleet/zitadel";

/** One device's token source; pass a shared `fetch` to reuse one connection pool across devices. */
export function deviceTokens(
  device: DeviceCredentials,
  fetch: typeof globalThis.fetch = fetchTrusting(device.issuerCa),
): JwtProfileTokenSource {
  return new JwtProfileTokenSource({
    key: { type: device.type, keyId: device.keyId, key: device.key, userId: device.userId },
    issuer: device.issuer,
    scopes: deviceScopes(device.projectId),
    fetch,
  });
}
