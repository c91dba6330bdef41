// Verifies a device's IdP access token (a JWT, as Zitadel issues for the
// JWT-profile grant): signature against the issuer's JWKS (found through its
// discovery document, keys cached and refetched on an unknown kid), issuer,
// audience containing the project id, expiry. Each refusal carries a short
// code for the metrics and a sentence for the log; never the token itself.
import { fetchTrusting, limitedResponse } from "@fleet/zitadel";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  jwksCache,
  jwtVerify,
  type FetchImplementation,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
  type RemoteJWKSet,
} from "jose";
import { z } from "zod";

/** Zitadel's access tokens are ~1 KiB; anything far larger is not one. */
export const ACCESS_TOKEN_MAX_LENGTH = 8 * 1024;
/** Asymmetric algorithms only: a JWKS never holds a shared secret. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"];
/** The discovery document and the JWKS are small JSON. */
const IDP_RESPONSE_MAX_BYTES = 256 * 1024;
const IDP_TIMEOUT_MS = 5000;
const DEFAULT_KEYS_MAX_AGE_MS = 10 * 60_000;

export type TokenRefusalCode =
  | "token-malformed"
  | "token-expired"
  | "token-not-yet-valid"
  | "token-signature"
  | "token-unknown-key"
  | "wrong-issuer"
  | "wrong-audience"
  | "idp-unavailable";

/** A token that must not open a connection; `message` is safe to log. */
export class TokenRefusedError extends Error {
  override readonly name = "TokenRefusedError";
  constructor(
    readonly code: TokenRefusalCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTokenRefusedError(error: unknown): error is TokenRefusedError {
  return error instanceof TokenRefusedError;
}

export interface VerifiedAccessToken {
  /** The machine user's id at the IdP (the Device's spec.identity.userId). */
  userId: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface AccessTokenVerifierOptions {
  /** The IdP's issuer URL, exactly as in its tokens. */
  issuer: string;
  /** The project id every device token must carry in `aud`. */
  projectId: string;
  /** PEM of a private CA the issuer's certificate comes from (the local platform's). */
  issuerCa?: string | undefined;
  /** Refetch the IdP's keys when they are older than this (default 10 minutes). */
  keysMaxAgeMs?: number;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });
const claimsSchema = z.object({ sub: z.string().min(1).max(256), exp: z.number().int() });

function refusalOf(error: unknown): TokenRefusedError {
  if (error instanceof TokenRefusedError) return error;
  const refuse = (code: TokenRefusalCode, message: string): TokenRefusedError =>
    new TokenRefusedError(code, message, { cause: error });
  if (error instanceof joseErrors.JWTExpired) return refuse("token-expired", "token expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return refuse("wrong-issuer", "token from another issuer");
    if (error.claim === "aud") return refuse("wrong-audience", "token not for this project");
    if (error.claim === "nbf" || error.claim === "iat") {
      return refuse("token-not-yet-valid", `token not valid yet (${error.claim})`);
    }
    return refuse("token-malformed", `token claim ${error.claim} refused: ${error.reason}`);
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return refuse("token-signature", "token signature does not verify");
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return refuse("token-unknown-key", "token signed by a key the IdP does not publish");
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return refuse("idp-unavailable", "the IdP's keys cannot be fetched");
  }
  if (error instanceof joseErrors.JOSEError) {
    return refuse("token-malformed", `token refused: ${error.code}`);
  }
  // fetch failures (connection refused, TLS) surface as plain errors.
  return refuse("idp-unavailable", `the IdP cannot be reached: ${String(error)}`);
}

export class AccessTokenVerifier {
  readonly #fetch: typeof fetch;
  #keys: Promise<JWTVerifyGetKey> | undefined;
  #remote: RemoteJWKSet | undefined;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.#fetch = fetchTrusting(options.issuerCa);
  }

  /** Checks everything; throws TokenRefusedError with a code and a loggable reason. */
  async verify(token: string, now: number = Date.now()): Promise<VerifiedAccessToken> {
    if (token.length > ACCESS_TOKEN_MAX_LENGTH) {
      throw new TokenRefusedError("token-malformed", "token too long");
    }
    try {
      const { payload } = await jwtVerify(token, await this.#jwks(), {
        issuer: this.options.issuer,
        audience: this.options.projectId,
        algorithms: ALGORITHMS,
        requiredClaims: ["sub", "exp"],
        currentDate: new Date(now),
        clockTolerance: 0,
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw new TokenRefusedError("token-malformed", "unexpected claims");
      return { userId: claims.data.sub, expiresAt: claims.data.exp * 1000 };
    } catch (error) {
      throw refusalOf(error);
    }
  }

  /**
   * Fetches the IdP's keys now instead of with the first device token, so a
   * replica that has verified no token yet (just started, or rolled) still
   * verifies through an IdP outage that begins later. Throws when the IdP
   * cannot be reached; the first token then tries again.
   */
  async prefetchKeys(): Promise<void> {
    await this.#jwks();
    await this.#remote?.reload();
  }

  /** The key set, from discovery once; a failed discovery is retried on the next token. */
  #jwks(): Promise<JWTVerifyGetKey> {
    this.#keys ??= this.#discover().catch((error: unknown) => {
      this.#keys = undefined;
      throw error;
    });
    return this.#keys;
  }

  async #discover(): Promise<JWTVerifyGetKey> {
    const { issuer } = this.options;
    const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
    const response = await this.#limitedFetch(url, { signal: AbortSignal.timeout(IDP_TIMEOUT_MS) });
    if (!response.ok) {
      throw new TokenRefusedError("idp-unavailable", `IdP discovery answered ${response.status}`);
    }
    const document = discoverySchema.safeParse(await response.json());
    if (!document.success || document.data.issuer !== issuer) {
      throw new TokenRefusedError("idp-unavailable", "IdP discovery document is not this issuer's");
    }
    const limited: FetchImplementation = (jwksUrl, init) => this.#limitedFetch(jwksUrl, init);
    // jose keeps the last keys it fetched here ({ jwks, uat }).
    const lastFetched: JWKSCacheInput = {};
    const remote = createRemoteJWKSet(new URL(document.data.jwks_uri), {
      timeoutDuration: IDP_TIMEOUT_MS,
      cacheMaxAge: this.options.keysMaxAgeMs ?? DEFAULT_KEYS_MAX_AGE_MS,
      [customFetch]: limited,
      [jwksCache]: lastFetched,
    });
    this.#remote = remote;
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // The keys are refetched when stale (10 minutes). While the IdP cannot be
        // reached, the last keys it published keep verifying tokens, so devices
        // keep connecting through an IdP outage; an unknown key is refused.
        if (error instanceof joseErrors.JWKSNoMatchingKey || !("jwks" in lastFetched)) throw error;
        return createLocalJWKSet(lastFetched.jwks)(header, token);
      }
    };
  }

  async #limitedFetch(url: string, init: RequestInit): Promise<Response> {
    return limitedResponse(await this.#fetch(url, init), IDP_RESPONSE_MAX_BYTES);
  }
}
