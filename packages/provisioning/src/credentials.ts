// Assembles the agent's credential file from a fresh machine key and where the
// device is to use it; validated against the contract, so a bad issuer or NATS
// URL in the provisioning settings fails here, naming the field.
import {
  deviceCredentialsSchema,
  parseOrThrow,
  type DeviceCredentials,
  type ZitadelKey,
} from "@fleet/contracts";

/** Where a device uses its key: the same for every device of a fleet. */
export interface CredentialsContext {
  /** The IdP's issuer URL (https). */
  issuer: string;
  /** The Zitadel project whose id must be in the device's access token audience. */
  projectId: string;
  /** The NATS servers devices connect to (which may differ from what the operator uses). */
  natsServers: readonly string[];
  /** PEM CA certificate(s) of the issuer, only when its certificate is from a private CA. */
  issuerCa?: string | undefined;
}

export function assembleCredentials(
  deviceId: string,
  key: ZitadelKey,
  context: CredentialsContext,
): DeviceCredentials {
  return parseOrThrow(
    deviceCredentialsSchema,
    {
      type: key.type,
      keyId: key.keyId,
      key: key.key,
      userId: key.userId,
      deviceId,
      issuer: context.issuer,
      projectId: context.projectId,
      natsServers: [...context.natsServers],
      ...(context.issuerCa === undefined ? {} : { issuerCa: context.issuerCa }),
    },
    "device credentials",
  );
}
