// JWT access tokens for machine users, shaped like Zitadel's (access token type
// JWT): signed with the IdP's own key (in its published JWKS), iss = issuer,
// sub = user id, aud = the requested projects, client_id = the user id, and a
// short lifetime. The management API verifies the same tokens.
import { randomUUID } from "node:crypto";
import { jwtVerify, SignJWT, type JWTPayload } from "jose";
import { SIGNING_ALGORITHM, type SigningKey } from "./signing-keys.js";

/** Zitadel's default is 12 h; the local platform keeps tokens short so expiry paths get exercised. */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 15 * 60;

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

export class AccessTokens {
  constructor(
    private readonly issuer: string,
    private readonly key: SigningKey,
  ) {}

  async issue(claims: {
    userId: string;
    audience: readonly string[];
    scope: string;
    lifetimeSeconds: number;
  }): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ client_id: claims.userId, scope: claims.scope })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.key.kid, typ: "JWT" })
      .setIssuer(this.issuer)
      .setSubject(claims.userId)
      .setAudience([...claims.audience])
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + claims.lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { token, expiresIn: claims.lifetimeSeconds };
  }

  /** The claims of a token this IdP issued for `audience`; throws if it is not one (or expired). */
  async verify(token: string, audience: string): Promise<JWTPayload & { sub: string }> {
    const { payload } = await jwtVerify(token, this.key.publicKey, {
      issuer: this.issuer,
      audience,
      algorithms: [SIGNING_ALGORITHM],
      requiredClaims: ["sub", "exp"],
    });
    return payload as JWTPayload & { sub: string };
  }
}
