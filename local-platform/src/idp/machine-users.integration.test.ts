import { createPrivateKey, randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { parseZitadelKey, type ZitadelKey } from "@fleet/contracts";
import {
  deviceScopes,
  JWT_BEARER_GRANT_TYPE,
  JwtProfileTokenSource,
  MANAGEMENT_SCOPES,
  projectAudienceScope,
  signJwtProfileAssertion,
} from "@fleet/zitadel";
import { createRemoteJWKSet, customFetch, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  platformConnection,
  platformZitadel,
  restartServer,
  waitUntil,
  type PlatformZitadel,
} from "../testing/index.js";
import { machineUsersFile } from "./machine-users.js";

interface Setup extends PlatformZitadel {
  tokenEndpoint: string;
  jwksUri: string;
  adminKeyFile: string;
}

let setup: Setup;
const created: string[] = [];

beforeAll(async () => {
  const zitadel = await platformZitadel();
  const discovery = (await (
    await zitadel.fetch(`${zitadel.issuer}/.well-known/openid-configuration`)
  ).json()) as { token_endpoint: string; jwks_uri: string };
  setup = {
    ...zitadel,
    tokenEndpoint: discovery.token_endpoint,
    jwksUri: discovery.jwks_uri,
    adminKeyFile: (await platformConnection()).oidc.adminKeyFile,
  };
});

afterAll(async () => {
  for (const userId of created) await setup.management.removeUser(userId).catch(() => undefined);
});

async function machineUser(name: string): Promise<ZitadelKey> {
  const { userId } = await setup.management.addMachineUser({
    userName: `${name}-${randomUUID()}`,
    name,
  });
  created.push(userId);
  return (await setup.management.addMachineKey(userId)).key;
}

/** A raw JWT-profile request, as any Zitadel client sends it: no client authentication. */
async function exchange(
  assertion: string,
  scope = `openid ${projectAudienceScope(setup.projectId)}`,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await setup.fetch(setup.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, scope }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** An assertion with chosen claims, signed with `signer`'s private key. */
function assertion(
  signer: ZitadelKey,
  claims: { kid?: string; iss?: string; sub?: string; aud?: string; iat?: number; exp?: number },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: claims.kid ?? signer.keyId })
    .setIssuer(claims.iss ?? signer.userId)
    .setSubject(claims.sub ?? signer.userId)
    .setAudience(claims.aud ?? setup.issuer)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 60)
    .sign(createPrivateKey(signer.key));
}

async function managementCall(
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{
  status: number;
  body: { code?: number; message?: string } & Record<string, unknown>;
}> {
  const res = await setup.fetch(`${setup.issuer}/management/v1${path}`, {
    method: init.method ?? "POST",
    headers: {
      "content-type": "application/json",
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as { code?: number; message?: string } };
}

describe("local IdP - Zitadel's JWT-profile grant", () => {
  it("advertises the grant and issues a JWT access token for a valid assertion", async () => {
    const discovery = (await (
      await setup.fetch(`${setup.issuer}/.well-known/openid-configuration`)
    ).json()) as { grant_types_supported: string[] };
    expect(discovery.grant_types_supported).toContain(JWT_BEARER_GRANT_TYPE);
    const key = await machineUser("device-ok");
    const { status, body } = await exchange(await signJwtProfileAssertion(key, setup.issuer));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    const jwks = createRemoteJWKSet(new URL(setup.jwksUri), { [customFetch]: setup.fetch });
    const { payload } = await jwtVerify(String(body.access_token), jwks, {
      issuer: setup.issuer,
      audience: setup.projectId,
    });
    expect(payload).toMatchObject({ sub: key.userId, client_id: key.userId });
  });

  it("refuses an assertion for B signed with A's key", async () => {
    const a = await machineUser("device-a");
    const b = await machineUser("device-b");
    // A's key id, B's user id: A's key is not B's.
    const withAKeyId = await exchange(await assertion(a, { iss: b.userId, sub: b.userId }));
    expect(withAKeyId).toEqual({
      status: 400,
      body: {
        error: "invalid_grant",
        error_description: `key ${a.keyId} is not an active key of machine user ${b.userId}`,
      },
    });
    // B's key id, signed with A's key: the signature gives it away.
    const withBKeyId = await exchange(
      await assertion(a, { kid: b.keyId, iss: b.userId, sub: b.userId }),
    );
    expect(withBKeyId.body).toEqual({
      error: "invalid_grant",
      error_description: `assertion signature does not verify with key of machine user ${b.userId}`,
    });
  });

  it("refuses an expired assertion, one that lives over an hour, and one from the future", async () => {
    const key = await machineUser("device-time");
    const now = Math.floor(Date.now() / 1000);
    const expired = await exchange(await assertion(key, { iat: now - 7200, exp: now - 3600 }));
    expect(expired.body.error_description).toBe("assertion has expired");
    const tooLong = await exchange(await assertion(key, { exp: now + 7200 }));
    expect(tooLong.body.error_description).toBe("assertion expires more than 3600 s from now");
    const future = await exchange(await assertion(key, { iat: now + 600 }));
    expect(future.body.error).toBe("invalid_grant");
  });

  it("refuses an assertion for another audience, or whose iss and sub differ", async () => {
    const key = await machineUser("device-aud");
    const other = await exchange(await assertion(key, { aud: "https://zitadel.example.com" }));
    expect(other.body).toEqual({
      error: "invalid_grant",
      error_description: `assertion audience must be the issuer ${setup.issuer}`,
    });
    const mixed = await exchange(await assertion(key, { sub: "somebody-else" }));
    expect(mixed.body.error_description).toBe("assertion iss and sub must both be the user id");
    expect((await exchange("not-a-jwt")).body.error_description).toBe("assertion is not a JWT");
  });

  it("refuses a removed key and a deactivated user", async () => {
    const key = await machineUser("device-revoked");
    const second = await setup.management.addMachineKey(key.userId);
    await setup.management.removeMachineKey(key.userId, second.keyId);
    expect((await exchange(await signJwtProfileAssertion(second.key, setup.issuer))).body).toEqual({
      error: "invalid_grant",
      error_description: `key ${second.keyId} is not an active key of machine user ${key.userId}`,
    });
    await setup.management.deactivateUser(key.userId);
    expect((await exchange(await signJwtProfileAssertion(key, setup.issuer))).body).toEqual({
      error: "invalid_grant",
      error_description: `machine user ${key.userId} is not active`,
    });
  });

  it("refuses a key past its expiration date", async () => {
    const key = await machineUser("device-expiring");
    const soon = new Date(Date.now() + 2000);
    const expiring = await setup.management.addMachineKey(key.userId, { expirationDate: soon });
    const signed = await signJwtProfileAssertion(expiring.key, setup.issuer);
    expect((await exchange(signed)).status).toBe(200);
    let refused: { body: Record<string, unknown> } | undefined;
    await waitUntil(
      async () => {
        const answer = await exchange(signed);
        if (answer.status === 200) return false;
        refused = answer;
        return true;
      },
      { what: "the key's expiry", timeoutMs: 10_000 },
    );
    expect(Date.now()).toBeGreaterThanOrEqual(soon.getTime());
    expect(refused?.body.error_description).toBe(
      `key ${expiring.keyId} is not an active key of machine user ${key.userId}`,
    );
  });

  it("refuses a project that does not exist", async () => {
    const key = await machineUser("device-scope");
    const { status, body } = await exchange(
      await signJwtProfileAssertion(key, setup.issuer),
      `openid ${projectAudienceScope("123")}`,
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "invalid_scope",
      error_description: "project 123 does not exist",
    });
  });
});

describe("local IdP - management API", () => {
  it("refuses a call without a token, and with a token not meant for Zitadel's API", async () => {
    const missing = await managementCall("/users/machine", { body: { userName: "x", name: "x" } });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe(16);
    const key = await machineUser("device-token");
    const device = new JwtProfileTokenSource({
      key,
      issuer: setup.issuer,
      scopes: deviceScopes(setup.projectId),
      fetch: setup.fetch,
    });
    const wrongAudience = await managementCall("/users/machine", {
      token: (await device.token()).value,
      body: { userName: "x", name: "x" },
    });
    expect(wrongAudience.status).toBe(401);
  });

  it("refuses a machine user that is not the platform admin", async () => {
    const key = await machineUser("device-nosy");
    const nosy = new JwtProfileTokenSource({
      key,
      issuer: setup.issuer,
      scopes: MANAGEMENT_SCOPES,
      fetch: setup.fetch,
    });
    const call = await managementCall(`/users/${key.userId}/keys`, {
      token: (await nosy.token()).value,
      body: { type: "KEY_TYPE_JSON" },
    });
    expect(call).toEqual({
      status: 403,
      body: { code: 7, message: "No matching permissions found", details: [] },
    });
  });

  it("names what is wrong with a request, refuses opaque tokens and duplicate user names", async () => {
    const token = (await setup.admin.token()).value;
    const missing = await managementCall("/users/machine", {
      token,
      body: { name: "no user name" },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain("userName");
    const opaque = await managementCall("/users/machine", {
      token,
      body: {
        userName: `u-${randomUUID()}`,
        name: "n",
        accessTokenType: "ACCESS_TOKEN_TYPE_BEARER",
      },
    });
    expect(opaque.body.message).toContain("accessTokenType must be ACCESS_TOKEN_TYPE_JWT");
    const userName = `dup-${randomUUID()}`;
    const { userId } = await setup.management.addMachineUser({ userName, name: "first" });
    created.push(userId);
    const again = await managementCall("/users/machine", {
      token,
      body: { userName, name: "second", accessTokenType: "ACCESS_TOKEN_TYPE_JWT" },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(6);
  });

  it("keeps only public keys, in a file only its owner reads", async () => {
    await machineUser("device-files");
    const { oidc } = await platformConnection();
    const stateFile = machineUsersFile(oidc.adminKeyFile.replace(/\/[^/]+$/, ""));
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(oidc.adminKeyFile)).mode & 0o777).toBe(0o600);
    const state = await readFile(stateFile, "utf8");
    expect(state).toContain("BEGIN PUBLIC KEY");
    expect(state).not.toContain("PRIVATE KEY");
  });
});

describe("local IdP - machine users survive a restart", () => {
  it("keeps users, keys, the admin and its signing key across an IdP restart", async () => {
    const key = await machineUser("device-restart");
    const before = await exchange(await signJwtProfileAssertion(key, setup.issuer));
    await restartServer("oidc-idp");
    const after = await exchange(await signJwtProfileAssertion(key, setup.issuer));
    expect(after.status).toBe(200);
    // A token from before the restart still verifies: the signing key is the same.
    const jwks = createRemoteJWKSet(new URL(setup.jwksUri), { [customFetch]: setup.fetch });
    await jwtVerify(String(before.body.access_token), jwks, { issuer: setup.issuer });
    // The admin's key file still works, and its user still manages.
    expect(parseZitadelKey(await readFile(setup.adminKeyFile, "utf8")).userId).toBe(
      setup.admin.userId,
    );
    setup.admin.invalidate();
    await setup.management.deactivateUser(key.userId);
    expect((await exchange(await signJwtProfileAssertion(key, setup.issuer))).body.error).toBe(
      "invalid_grant",
    );
  });
});
