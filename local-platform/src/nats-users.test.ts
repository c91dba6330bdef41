import { createAccount, createCurve, createUser, fromSeed } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import type { NatsSecrets } from "./nats-secrets.js";
import { natsAuthConfig, SERVICE_USER } from "./nats-users.js";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const seed = (): string => text(createUser().getSeed());
const secrets: NatsSecrets = {
  version: 2,
  servicePassword: "pw",
  users: { service: seed(), dashboard: seed(), callout: seed(), system: seed() },
  calloutIssuer: text(createAccount().getSeed()),
  calloutXkey: text(createCurve().getSeed()),
  browserTicketKey: "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
};
const publicKey = (s: string): string => fromSeed(new TextEncoder().encode(s)).getPublicKey();

describe("nats users - the local platform's authorization config", () => {
  const config = natsAuthConfig(secrets);

  it("lets every service identity bypass the browsers' auth callout", () => {
    const { auth_users } = config.authorization.auth_callout;
    expect(auth_users).toContain(SERVICE_USER);
    for (const user of Object.values(secrets.users)) expect(auth_users).toContain(publicKey(user));
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
    const users = [
      ...config.authorization.users,
      ...Object.values(config.accounts).flatMap((a) => a.users),
    ];
    for (const user of users) expect(user.allowed_connection_types).toStrictEqual(["STANDARD"]);
  });

  it("puts a kick-only user in the system account", () => {
    expect(config.system_account).toBe("SYS");
    const [system] = config.accounts.SYS?.users ?? [];
    expect(system?.permissions?.publish?.allow).toStrictEqual(["$SYS.REQ.SERVER.*.KICK"]);
  });
});
