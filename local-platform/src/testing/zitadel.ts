// The local IdP as Zitadel's clients see it, for tests: its issuer, the fleet
// project, a fetch that trusts the platform CA, and the management API acting
// as the platform admin (the provisioning service user's stand-in).
import { readFile } from "node:fs/promises";
import { parseZitadelKey } from "@fleet/contracts";
import {
  fetchTrusting,
  JwtProfileTokenSource,
  MANAGEMENT_SCOPES,
  ZitadelManagement,
} from "@fleet/zitadel";
import { platformConnection } from "./index.js";

export interface PlatformZitadel {
  issuer: string;
  projectId: string;
  /** PEM of the platform CA, which the issuer's certificate comes from. */
  issuerCa: string;
  /** fetch that trusts the platform CA. */
  fetch: typeof fetch;
  /** The platform admin's token source (scopes MANAGEMENT_SCOPES). */
  admin: JwtProfileTokenSource;
  management: ZitadelManagement;
}

export async function platformZitadel(): Promise<PlatformZitadel> {
  const { oidc } = await platformConnection();
  const issuerCa = await readFile(oidc.caFile, "utf8");
  const trusting = fetchTrusting(issuerCa);
  const admin = new JwtProfileTokenSource({
    key: parseZitadelKey(await readFile(oidc.adminKeyFile, "utf8")),
    issuer: oidc.issuer,
    scopes: MANAGEMENT_SCOPES,
    fetch: trusting,
  });
  return {
    issuer: oidc.issuer,
    projectId: oidc.projectId,
    issuerCa,
    fetch: trusting,
    admin,
    management: new ZitadelManagement({ issuer: oidc.issuer, tokens: admin, fetch: trusting }),
  };
}
