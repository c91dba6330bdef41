// Wires provisioning to the real stores: Zitadel's management API (or the
// local IdP speaking it) with the admin's machine key, and the Device CRs
// through a DeviceClient that acts as the caller.
import type { ZitadelKey } from "@fleet/contracts";
import type { DeviceClient } from "@fleet/kube";
import {
  fetchTrusting,
  JwtProfileTokenSource,
  MANAGEMENT_SCOPES,
  ZitadelManagement,
} from "@fleet/zitadel";
import type { CredentialsContext } from "./credentials.js";
import { deviceRegistry } from "./device-registry.js";
import type { MachineUsers } from "./ports.js";
import { createProvisioning, type Provisioning } from "./provisioning.js";

export interface IdpAdmin {
  issuer: string;
  /** PEM CA(s) to trust for the issuer, when its certificate is from a private CA. */
  issuerCa?: string | undefined;
  /** A machine user's key that may manage users (see docs/devices.md for the narrowest role). */
  adminKey: ZitadelKey;
}

/** Zitadel's management API (the IdP's machine users) with the admin's key, its token cached and renewed. */
export function idpMachineUsers(admin: IdpAdmin): ZitadelManagement {
  const fetch = fetchTrusting(admin.issuerCa);
  const tokens = new JwtProfileTokenSource({
    key: admin.adminKey,
    issuer: admin.issuer,
    scopes: MANAGEMENT_SCOPES,
    fetch,
  });
  return new ZitadelManagement({ issuer: admin.issuer, tokens, fetch });
}

export interface ProvisioningSettings extends IdpAdmin {
  projectId: string;
  /** The NATS servers devices connect to, written into their credential files. */
  natsServers: readonly string[];
}

export function credentialsContext(settings: ProvisioningSettings): CredentialsContext {
  return {
    issuer: settings.issuer,
    projectId: settings.projectId,
    natsServers: settings.natsServers,
    issuerCa: settings.issuerCa,
  };
}

/** Provisioning with these settings, the Device CRs read and written through `devices`. */
export function provisioningWith(
  settings: ProvisioningSettings,
  devices: DeviceClient,
  idp: MachineUsers = idpMachineUsers(settings),
): Provisioning {
  return createProvisioning({
    idp,
    devices: deviceRegistry(devices),
    credentials: credentialsContext(settings),
  });
}
