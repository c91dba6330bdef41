// The dashboard's device-provisioning settings: the IdP admin's machine key
// (a mounted secret file), the project devices authenticate for, and the NATS
// URLs devices connect to. All three or none: with none, the Devices page
// lists devices but offers no action; with some, the dashboard refuses to
// start a half-configured feature.
import type { ZitadelKey } from "@fleet/contracts";
import { readPrivateKeyFile, type ProvisioningSettings } from "@fleet/provisioning";
import { readFileSync } from "node:fs";
import { EnvError, type Env } from "../../env";

const NAMES = ["ZITADEL_ADMIN_KEY_FILE", "ZITADEL_PROJECT_ID", "DEVICE_NATS_URL"] as const;

function adminKeyFrom(path: string): ZitadelKey {
  try {
    return readPrivateKeyFile(path);
  } catch (error) {
    throw new EnvError(
      `invalid dashboard environment: ZITADEL_ADMIN_KEY_FILE: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

export function provisioningSettings(env: Env): ProvisioningSettings | undefined {
  const set = NAMES.filter((name) => env[name] !== undefined);
  if (set.length === 0) return undefined;
  if (set.length < NAMES.length) {
    const missing = NAMES.filter((name) => env[name] === undefined);
    throw new EnvError(
      `invalid dashboard environment: device provisioning needs ${NAMES.join(", ")}; ${set.join(", ")} set but ${missing.join(", ")} not`,
    );
  }
  const adminKey = adminKeyFrom(env.ZITADEL_ADMIN_KEY_FILE ?? "");
  return {
    issuer: env.OIDC_ISSUER,
    issuerCa: env.OIDC_CA_FILE === undefined ? undefined : readFileSync(env.OIDC_CA_FILE, "utf8"),
    adminKey,
    projectId: env.ZITADEL_PROJECT_ID ?? "",
    natsServers: env.DEVICE_NATS_URL ?? [],
  };
}
