import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseZitadelKey } from "@fleet/contracts";
import {
  platformConnection,
  platformZitadel,
  type PlatformZitadel,
} from "@fleet/local-platform/testing";
import { createRemoteJWKSet, customFetch, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deviceScopes,
  isZitadelApiError,
  isZitadelNotFound,
  isZitadelTokenError,
  JwtProfileTokenSource,
  LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY,
  MANAGEMENT_SCOPES,
  ZitadelManagement,
  type ZitadelTokenError,
} from "./index.js";

let platform: PlatformZitadel;
const createdUsers: string[] = [];

beforeAll(async () => {
  platform = await platformZitadel();
});

afterAll(async () => {
  for (const userId of createdUsers)
    await platform.management.removeUser(userId).catch(() => undefined);
});

async function machineUser(
  name: string,
): Promise<{ userId: string; source: JwtProfileTokenSource }> {
  const userName = `${name}-${Date.now()}`;
  const { userId } = await platform.management.addMachineUser({ userName, name });
  createdUsers.push(userId);
  const { key } = await platform.management.addMachineKey(userId);
  const source = new JwtProfileTokenSource({
    key,
    issuer: platform.issuer,
    scopes: deviceScopes(platform.projectId),
    fetch: platform.fetch,
  });
  return { userId, source };
}

async function refusal(promise: Promise<unknown>): Promise<ZitadelTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isZitadelTokenError(error))
    throw new Error(`expected a ZitadelTokenError, got ${String(error)}`);
  return error;
}

describe("zitadel client - against the local IdP", () => {
  it("provisions a machine user whose JWT access token verifies against the IdP's JWKS", async () => {
    const { userId, source } = await machineUser("device-a");
    const before = Date.now();
    const token = await source.token();
    const jwks = createRemoteJWKSet(new URL(`${platform.issuer}/jwks`), {
      [customFetch]: platform.fetch,
    });
    const { payload, protectedHeader } = await jwtVerify(token.value, jwks, {
      issuer: platform.issuer,
      audience: platform.projectId,
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.sub).toBe(userId);
    expect(payload.aud).toEqual([platform.projectId]);
    // The default lifetime (15 min) and the source's expiry agree.
    expect((payload.exp ?? 0) * 1000).toBeGreaterThan(before + 14 * 60_000);
    expect(Math.abs(token.expiresAt.getTime() - (payload.exp ?? 0) * 1000)).toBeLessThan(5_000);
  });

  it("serves the cached token and shares one request between concurrent callers", async () => {
    const { source } = await machineUser("device-cache");
    const [a, b, c] = await Promise.all([source.token(), source.token(), source.token()]);
    expect(new Set([a.value, b.value, c.value]).size).toBe(1);
    expect((await source.token()).value).toBe(a.value);
    source.invalidate();
    expect((await source.token()).value).not.toBe(a.value);
  });

  it("gives one user short-lived tokens through the local lifetime metadata", async () => {
    const { userId, source } = await machineUser("device-short");
    await platform.management.setMetadata(userId, LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY, "5");
    const token = await source.token();
    const lifetime = token.expiresAt.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(5_000);
    await expect(
      platform.management.setMetadata(userId, LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY, "soon"),
    ).rejects.toThrow(/must be whole seconds/);
  });

  it("refuses a deactivated user with invalid_grant naming the issuer, and serves it again once reactivated", async () => {
    const { userId, source } = await machineUser("device-off");
    await platform.management.deactivateUser(userId);
    source.invalidate();
    const error = await refusal(source.token());
    expect(error.error).toBe("invalid_grant");
    expect(error.description).toBe(`machine user ${userId} is not active`);
    expect(error.message).toContain(platform.issuer);
    await platform.management.reactivateUser(userId);
    expect((await source.token()).value).toMatch(/^ey/);
  });

  it("refuses a removed key", async () => {
    const { userId } = await machineUser("device-rotate");
    const { keyId, key } = await platform.management.addMachineKey(userId);
    const source = new JwtProfileTokenSource({
      key,
      issuer: platform.issuer,
      scopes: deviceScopes(platform.projectId),
      fetch: platform.fetch,
    });
    await source.token();
    await platform.management.removeMachineKey(userId, keyId);
    source.invalidate();
    expect((await refusal(source.token())).description).toBe(
      `key ${keyId} is not an active key of machine user ${userId}`,
    );
  });

  it("registers a key pair's public half: no private key comes back, and the holder's own key gets a token", async () => {
    const { userId } = await machineUser("device-own-key");
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    const added = await platform.management.addMachineKey(userId, { publicKey });
    expect(Object.keys(added)).toEqual(["keyId"]);
    const source = new JwtProfileTokenSource({
      key: { type: "serviceaccount", keyId: added.keyId, key: privateKey, userId },
      issuer: platform.issuer,
      scopes: deviceScopes(platform.projectId),
      fetch: platform.fetch,
    });
    expect((await source.token()).value).toMatch(/^ey/);
  });

  it("refuses a public key that is not RSA or is too short, naming publicKey", async () => {
    const { userId } = await machineUser("device-bad-key");
    const pem = (key: KeyObject): string => key.export({ type: "spki", format: "pem" }).toString();
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const short = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    for (const [publicKey, said] of [
      [pem(ec), "publicKey must be an RSA key"],
      [pem(short), "publicKey must have at least 2048 bits"],
      ["not a key", "publicKey is not a PEM public key"],
    ] as const) {
      const error = await platform.management.addMachineKey(userId, { publicKey }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isZitadelApiError(error) && error.message).toContain(said);
    }
  });

  it("refuses management calls from a machine user that is not the platform admin", async () => {
    const { userId } = await machineUser("device-nosy");
    const { key } = await platform.management.addMachineKey(userId);
    const nosy = new ZitadelManagement({
      issuer: platform.issuer,
      fetch: platform.fetch,
      tokens: new JwtProfileTokenSource({
        key,
        issuer: platform.issuer,
        scopes: MANAGEMENT_SCOPES,
        fetch: platform.fetch,
      }),
    });
    const error = await nosy
      .addMachineUser({ userName: "sneaky", name: "sneaky" })
      .catch((e: unknown) => e);
    expect(isZitadelApiError(error) && error.status).toBe(403);
  });

  it("reports a removed user as not found", async () => {
    const { userId } = await machineUser("device-gone");
    await platform.management.removeUser(userId);
    const error = await platform.management.deactivateUser(userId).catch((e: unknown) => e);
    expect(isZitadelNotFound(error)).toBe(true);
    expect((error as Error).message).toContain(`User ${userId} could not be found`);
  });

  it("names the issuer when discovery fails", async () => {
    const { oidc } = await platformConnection();
    const source = new JwtProfileTokenSource({
      key: parseZitadelKey(await readFile(oidc.adminKeyFile, "utf8")),
      issuer: oidc.issuer,
      scopes: MANAGEMENT_SCOPES,
      // Plain fetch does not trust the platform CA.
    });
    const error = await refusal(source.token());
    expect(error.message).toContain(`OIDC discovery document of ${oidc.issuer}`);
  });
});
