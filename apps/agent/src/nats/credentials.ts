// Where the agent's NATS identity comes from: the device's own machine user at
// the IdP (type `identity`, the credential file `iot-operator device add`
// writes). The agent signs a JWT assertion with its key, exchanges it for a
// short-lived access token and presents that token to NATS, whose auth callout
// (iot-identity) answers with the device's own permissions until the token
// expires. Enrollment (the registry issue) is another way to obtain the same
// identity, behind the same interface.
import { deviceInboxPrefix, type DeviceCredentials } from "@fleet/contracts";
import { deviceScopes, fetchTrusting, JwtProfileTokenSource } from "@fleet/zitadel";
import { tokenAuthenticator, type Authenticator } from "@nats-io/transport-node";
import { ReloadingTokens } from "../identity/reloading-tokens.js";
import { TokenKeeper } from "../identity/token-keeper.js";
import type { Logger } from "../logger.js";

export interface CredentialSource {
  /** For logs: what kind of identity and from where, never the secret itself. */
  describe(): string;
  /** The inbox prefix the server lets this identity subscribe to. */
  readonly inboxPrefix: string;
  /** Resolves once a credential valid now is at hand (false only when aborted first). */
  ready(signal: AbortSignal): Promise<boolean>;
  /** Keeps the credential valid in the background until the signal aborts. */
  keepFresh(signal: AbortSignal): Promise<void>;
  /** Synchronous, as nats.js calls it on every (re)connect: the latest credential. */
  authenticator(): Authenticator;
  /** The server refused the credential or ended it (expiry): the next connect needs a fresh one. */
  refused(): void;
}

/** The token source for a device's credential file: its key, its issuer (trusting its CA, if any), its project. */
export function deviceTokenSource(device: DeviceCredentials): JwtProfileTokenSource {
  return new JwtProfileTokenSource({
    key: { type: device.type, keyId: device.keyId, key: device.key, userId: device.userId },
    issuer: device.issuer,
    scopes: deviceScopes(device.projectId),
    fetch: fetchTrusting(device.issuerCa),
  });
}

export function identityCredentials(
  device: DeviceCredentials,
  file: string,
  logger: Logger,
): CredentialSource {
  const tokens = new ReloadingTokens({ file, device, tokensFor: deviceTokenSource, logger });
  const keeper = new TokenKeeper({ tokens, logger });
  return {
    describe: () =>
      `identity of device ${device.deviceId} (machine user ${device.userId}, from ${file})`,
    inboxPrefix: deviceInboxPrefix(device.deviceId),
    ready: (signal) => keeper.ready(signal),
    keepFresh: (signal) => keeper.keepFresh(signal),
    authenticator: () => tokenAuthenticator(() => keeper.handOut() ?? ""),
    refused: () => {
      keeper.refused();
    },
  };
}
