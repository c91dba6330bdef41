// The local IdP's demo users and their Zitadel-shaped role claims. Passwords
// and the dashboard's client secret are generated once and kept in the
// platform folder, so they stay valid across restarts.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** Zitadel puts project roles in this claim: { "<role>": { "<orgId>": "<orgDomain>" } }. */
export const ZITADEL_ROLES_CLAIM = "urn:zitadel:iam:org:project:roles";
/** The scope a Zitadel client asks for to receive that claim. */
export const ZITADEL_ROLES_SCOPE = "urn:zitadel:iam:org:projects:roles";

export const DEMO_ORG = { id: "fleet-local-org", domain: "fleet.localhost" } as const;

export const FLEET_ROLES = ["viewer", "deployer"] as const;
export type FleetRole = (typeof FLEET_ROLES)[number];

/**
 * Deliberately the same names as the static Kubernetes users: the API server
 * knows these as `oidc:alice` and `oidc:bob`, never as `alice` or `bob`.
 */
export const DEMO_USERS = {
  alice: { name: "Alice Deployer", email: "alice@fleet.localhost", roles: ["deployer"] },
  bob: { name: "Bob Viewer", email: "bob@fleet.localhost", roles: ["viewer"] },
} as const satisfies Record<string, { name: string; email: string; roles: readonly FleetRole[] }>;
export type DemoUserName = keyof typeof DEMO_USERS;

const secretsSchema = z.object({
  passwords: z.object({ alice: z.string(), bob: z.string() }),
  clientSecret: z.string(),
  cookieKeys: z.array(z.string()).min(1),
});
export type IdpSecrets = z.infer<typeof secretsSchema>;

export const DASHBOARD_CLIENT_ID = "fleet-dashboard";

const secretsFile = (stateDir: string): string => join(stateDir, "secrets.json");

export async function ensureIdpSecrets(stateDir: string): Promise<IdpSecrets> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  if (!existsSync(secretsFile(stateDir))) {
    const secret = (): string => randomBytes(12).toString("base64url");
    const secrets: IdpSecrets = {
      passwords: { alice: secret(), bob: secret() },
      clientSecret: randomBytes(24).toString("base64url"),
      cookieKeys: [randomBytes(32).toString("base64url")],
    };
    await writeFile(secretsFile(stateDir), JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return readIdpSecrets(stateDir);
}

export async function readIdpSecrets(stateDir: string): Promise<IdpSecrets> {
  return secretsSchema.parse(JSON.parse(await readFile(secretsFile(stateDir), "utf8")));
}

/** The claim value Zitadel would issue for these roles in the demo organisation. */
export function zitadelRolesClaim(
  roles: readonly FleetRole[],
): Record<string, Record<string, string>> {
  return Object.fromEntries(roles.map((role) => [role, { [DEMO_ORG.id]: DEMO_ORG.domain }]));
}

export function isDemoUser(name: string): name is DemoUserName {
  return Object.hasOwn(DEMO_USERS, name);
}
