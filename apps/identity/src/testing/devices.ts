// Devices on the local platform, for the identity service's tests: access
// tokens from the local IdP (the JWT-profile grant, as the agent gets them),
// NATS connections presenting them, and the IdP admin for what provisioning
// does not offer (a user's token lifetime, a user without a Device).
import { deviceInboxPrefix, type DeviceCredentials, type ZitadelKey } from "@fleet/contracts";
import type { PlatformConnection } from "@fleet/local-platform/testing";
import { platformProvisioningSettings } from "@fleet/provisioning/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  deviceScopes,
  fetchTrusting,
  JwtProfileTokenSource,
  MANAGEMENT_SCOPES,
  ZitadelManagement,
  type Token,
} from "@fleet/zitadel";

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

/** The local IdP's management API, as the platform's admin machine user. */
export async function platformIdpAdmin(): Promise<ZitadelManagement> {
  const settings = await platformProvisioningSettings();
  const fetch = fetchTrusting(settings.issuerCa);
  const tokens = new JwtProfileTokenSource({
    key: settings.adminKey,
    issuer: settings.issuer,
    scopes: MANAGEMENT_SCOPES,
    fetch,
  });
  return new ZitadelManagement({ issuer: settings.issuer, tokens, fetch });
}
