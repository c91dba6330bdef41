import { kickOnlyPermissions } from "@fleet/contracts";
import { createAccount, createCurve, createUser, fromSeed } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import type { NatsSecrets } from "./nats-secrets.js";
import { natsAuthConfig } from "./nats-users.js";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const seed = (): string => text(createUser().getSeed());
const secrets: NatsSecrets = {
  version: 3,
  users: { admin: seed(), operator: seed(), dashboard: seed(), callout: seed(), system: seed() },
  calloutIssuer: text(createAccount().getSeed()),
  calloutXkey: text(createCurve().getSeed()),
  browserTicketKey: "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
};
const publicKey = (s: string): string => fromSeed(new TextEncoder().encode(s)).getPublicKey();

describe("nats users - the local platform's authorization config", () => {
  const config = natsAuthConfig(secrets);
  const users = [
    ...config.authorization.users,
    ...Object.values(config.accounts).flatMap((a) => a.users),
  ];
  const userOf = (name: keyof NatsSecrets["users"]): (typeof users)[number] | undefined =>
    users.find((u) => u.nkey === publicKey(secrets.users[name]));

  it("has no anonymous user and no password: every user is an nkey", () => {
    expect(config).not.toHaveProperty("no_auth_user");
    for (const user of users) {
      expect(Object.keys(user).sort()).toStrictEqual(
        user.permissions === undefined
          ? ["allowed_connection_types", "nkey"]
          : ["allowed_connection_types", "nkey", "permissions"],
      );
    }
  });

  it("gives a connection 5 s to authenticate (nats-server's default 2 s times out a reconnect burst)", () => {
    expect(config.authorization.timeout).toBe(5);
  });

  it("lets every service identity bypass the auth callout", () => {
    const { auth_users } = config.authorization.auth_callout;
    expect(auth_users.sort()).toStrictEqual(Object.values(secrets.users).map(publicKey).sort());
  });

  it("gives full rights to the platform admin alone", () => {
    expect(userOf("admin")?.permissions).toBeUndefined();
    for (const name of ["operator", "dashboard", "callout", "system"] as const) {
      expect(userOf(name)?.permissions?.publish.allow?.length, name).toBeGreaterThan(0);
    }
  });

  it("names the callout's issuer and xkey by their public keys only", () => {
    const { issuer, xkey } = config.authorization.auth_callout;
    expect(issuer).toBe(publicKey(secrets.calloutIssuer));
    expect(issuer).toMatch(/^A/);
    expect(xkey).toMatch(/^X/);
    expect(JSON.stringify(config)).not.toContain(secrets.calloutIssuer);
    expect(JSON.stringify(config)).not.toContain(secrets.calloutXkey);
  });

  it("keeps every configured user off websockets: browsers only come through the callout", () => {
    for (const user of users) expect(user.allowed_connection_types).toStrictEqual(["STANDARD"]);
  });

  it("puts a kick-only user in the system account", () => {
    expect(config.system_account).toBe("SYS");
    const [system] = config.accounts.SYS?.users ?? [];
    expect(system?.permissions?.publish.allow).toContain("$SYS.REQ.SERVER.*.KICK");
    expect(system?.permissions?.publish.allow).toStrictEqual(kickOnlyPermissions().publish.allow);
  });
});
