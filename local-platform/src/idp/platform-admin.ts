// The local IdP's provisioning service user: the stand-in for the Zitadel
// service user that production gives the "Org User Manager" role (docs/zitadel.md).
// Created at the IdP's first start; its key file (Zitadel's format) is written
// 0600 beside the IdP's state, and provisioning tools and tests read it from
// PlatformConnection.oidc.adminKeyFile. Only this user may call /management/v1.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseZitadelKey, type ZitadelKey } from "@fleet/contracts";
import type { MachineUserStore } from "./machine-users.js";

export const PLATFORM_ADMIN_USER_NAME = "fleet-platform-admin";

/** The fleet project's id: fixed, numeric like Zitadel's, so configs and docs can quote it. */
export const LOCAL_FLEET_PROJECT_ID = "290000000000000001";

export const adminKeyFile = (stateDir: string): string => join(stateDir, "admin-key.json");

/** The admin's key, created with its user on the first start; reused after (also after a restart). */
export async function ensurePlatformAdmin(
  store: MachineUserStore,
  stateDir: string,
): Promise<ZitadelKey> {
  const file = adminKeyFile(stateDir);
  if (existsSync(file)) {
    const key = parseZitadelKey(await readFile(file, "utf8"));
    // Still registered? (A state file deleted by hand leaves a key for nobody.)
    if (store.activeKey(key.userId, key.keyId) && store.user(key.userId)?.active) return key;
  }
  const existing = adminUserId(store);
  const userId =
    existing ??
    (await store.addMachineUser({
      userName: PLATFORM_ADMIN_USER_NAME,
      name: "Fleet platform admin",
      description: "Provisions device machine users (local platform only)",
    }));
  const key = await store.addKey(userId, undefined);
  await writeFile(file, JSON.stringify(key, null, 2), { mode: 0o600 });
  return key;
}

/** The admin's user id, if it exists. */
export function adminUserId(store: MachineUserStore): string | undefined {
  return store.userIdByName(PLATFORM_ADMIN_USER_NAME);
}
