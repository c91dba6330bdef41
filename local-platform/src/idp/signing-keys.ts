// The IdP's token-signing key, kept on disk (0600) so tokens stay verifiable
// across IdP restarts. oidc-provider publishes it in the JWKS and signs ID
// tokens with it; the JWT-profile grant signs machine users' access tokens
// with the same key, so every token verifies against the one published JWKS.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const SIGNING_KEY_ID = "fleet-local-1";
export const SIGNING_ALGORITHM = "RS256";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The private JWKs (one today) that oidc-provider is configured with. */
export async function signingJwks(stateDir: string): Promise<JsonWebKey[]> {
  const file = join(stateDir, "jwks.json");
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = {
      ...privateKey.export({ format: "jwk" }),
      kid: SIGNING_KEY_ID,
      use: "sig",
      alg: SIGNING_ALGORITHM,
    };
    await writeFile(file, JSON.stringify([jwk]), { mode: 0o600 });
  }
  return JSON.parse(await readFile(file, "utf8")) as JsonWebKey[];
}

/** The current signing key as key objects, for signing and verifying access tokens. */
export function signingKeyFrom(jwks: readonly JsonWebKey[]): SigningKey {
  const jwk = jwks[0];
  if (jwk === undefined) throw new Error("the IdP has no signing key");
  const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  return {
    kid: typeof jwk.kid === "string" ? jwk.kid : SIGNING_KEY_ID,
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}
