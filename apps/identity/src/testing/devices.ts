// Devices on the local platform, for the identity service's tests: access
// tokens from the local IdP (the JWT-profile grant, as the agent gets them),
// NATS connections presenting them, and forged tokens the service must refuse.
import { deviceInboxPrefix, type DeviceCredentials, type ZitadelKey } from "@fleet/contracts";
import type { PlatformConnection } from "@fleet/local-platform/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { deviceScopes, fetchTrusting, JwtProfileTokenSource, type Token } from "@fleet/zitadel";

/** A fresh access token for this key (never a cached one). */
export function accessToken(
  credentials: Pick<DeviceCredentials, "issuer" | "issuerCa" | "projectId">,
  key: ZitadelKey,
  scopes: readonly string[] = deviceScopes(credentials.projectId),
): Promise<Token> {
  return new JwtProfileTokenSource({
    key,
    issuer: credentials.issuer,
    scopes,
    fetch: fetchTrusting(credentials.issuerCa),
  }).token();
}

/** Connects as the device does: the access token as the NATS token, its own inbox prefix. */
export function connectAsDevice(
  connection: PlatformConnection,
  deviceId: string,
  token: string,
): Promise<NatsConnection> {
  return connect({
    servers: connection.natsUrl,
    token,
    inboxPrefix: deviceInboxPrefix(deviceId),
    name: `device-${deviceId}`,
    reconnect: false,
  });
}

/**
 * A token that looks like the IdP's (its issuer, key id, the project's
 * audience, this user) but is signed by a key of our own: only the signature
 * tells it apart.
 */
export function forgedAccessToken(connection: PlatformConnection, userId: string): Promise<string> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: "fleet-local-1", typ: "JWT" })
    .setIssuer(connection.oidc.issuer)
    .setSubject(userId)
    .setAudience([connection.oidc.projectId])
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
}
