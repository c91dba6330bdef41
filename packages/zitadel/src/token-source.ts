// Access tokens for a machine user, the way Zitadel hands them out: sign a JWT
// assertion with the user's key and exchange it at the token endpoint found by
// discovery, with the JWT-bearer grant and no client authentication.
// openid-client does discovery (checking the issuer) and the grant request.
import type { ZitadelKey } from "@fleet/contracts";
import { decodeJwt } from "jose";
import * as oidc from "openid-client";
import { signJwtProfileAssertion } from "./assertion.js";
import { ZitadelTokenError } from "./errors.js";
import { limitedResponse } from "./limited-body.js";
import { RenewingToken, type Token } from "./renewing-token.js";
import { JWT_BEARER_GRANT_TYPE } from "./scopes.js";
import { ServerClock } from "./server-clock.js";

export type { Token } from "./renewing-token.js";

export interface JwtProfileTokenSourceOptions {
  /** The machine user's key file (Zitadel's format). */
  key: ZitadelKey;
  /** The IdP's issuer URL, e.g. https://my-instance.zitadel.cloud. */
  issuer: string;
  /** e.g. deviceScopes(projectId) or MANAGEMENT_SCOPES. */
  scopes: readonly string[];
  /** fetchTrusting(ca) when the issuer's certificate is from a private CA. */
  fetch?: typeof fetch;
  /** This side's clock, for tests. Assertions are dated by the IdP's clock (server-clock.ts). */
  now?: () => number;
}

// The JWT-profile grant authenticates with the assertion alone; Zitadel expects
// no client authentication (and no client_id), so none is added to the request.
const noClientAuthentication: oidc.ClientAuth = () => undefined;

export class JwtProfileTokenSource {
  readonly issuer: string;
  readonly #key: ZitadelKey;
  readonly #scope: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #cache: RenewingToken;
  readonly #serverClock: ServerClock;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(options: JwtProfileTokenSourceOptions) {
    this.issuer = options.issuer;
    this.#key = options.key;
    this.#scope = options.scopes.join(" ");
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#cache = new RenewingToken(() => this.#request(), this.#now);
    this.#serverClock = new ServerClock(this.#now);
  }

  /** The machine user this source speaks for. */
  get userId(): string {
    return this.#key.userId;
  }

  /** A valid access token: the cached one, or a new one once less than a quarter of its lifetime (at most 30 s) is left. */
  token(): Promise<Token> {
    return this.#cache.get();
  }

  /** Drops the cached token, e.g. after a server refused it; the next token() asks the IdP. */
  invalidate(): void {
    this.#cache.invalidate();
  }

  #discover(): Promise<oidc.Configuration> {
    this.#configuration ??= oidc
      .discovery(new URL(this.issuer), this.#key.userId, undefined, noClientAuthentication, {
        // openid-client's body type is wider than the DOM lib's RequestInit (apps/web compiles with it).
        // Used for the discovery and every token request after it.
        [oidc.customFetch]: async (url, init) =>
          this.#received(await this.#fetch(url, init as RequestInit)),
      })
      .catch((error: unknown) => {
        this.#configuration = undefined; // ask again next time
        throw new ZitadelTokenError(
          `could not read the OIDC discovery document of ${this.issuer}: ${messageOf(error)}`,
          { issuer: this.issuer },
          { cause: error },
        );
      });
    return this.#configuration;
  }

  /** Every answer's Date header keeps the IdP's clock known before an assertion is signed. */
  #received(response: Response): Promise<Response> {
    this.#serverClock.observe(response.headers.get("date"));
    return limitedResponse(response);
  }

  async #request(): Promise<Token> {
    const configuration = await this.#discover();
    const sentAt = this.#now();
    let response: oidc.TokenEndpointResponse;
    try {
      // Dated by the IdP's clock: it refuses an assertion from its future or already expired.
      const assertion = await signJwtProfileAssertion(
        this.#key,
        this.issuer,
        this.#serverClock.now(),
      );
      response = await oidc.genericGrantRequest(configuration, JWT_BEARER_GRANT_TYPE, {
        assertion,
        scope: this.#scope,
      });
    } catch (error) {
      throw tokenError(this.issuer, this.#key.userId, error);
    }
    return { value: response.access_token, expiresAt: this.#expiry(response, sentAt) };
  }

  #expiry(response: oidc.TokenEndpointResponse, sentAt: number): Date {
    // Counted from when the request was sent, so the cache errs on the early side.
    if (response.expires_in !== undefined) return new Date(sentAt + response.expires_in * 1000);
    const exp = safeExp(response.access_token);
    if (exp === undefined)
      throw new ZitadelTokenError(
        `${this.issuer} issued an access token with neither expires_in nor exp`,
        { issuer: this.issuer },
      );
    return new Date(exp * 1000);
  }
}

function safeExp(token: string): number | undefined {
  try {
    return decodeJwt(token).exp;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function tokenError(issuer: string, userId: string, error: unknown): ZitadelTokenError {
  if (error instanceof oidc.ResponseBodyError) {
    const said = error.error_description
      ? `${error.error}: ${error.error_description}`
      : error.error;
    return new ZitadelTokenError(
      `${issuer} refused an access token for machine user ${userId} (HTTP ${error.status}): ${said}`,
      {
        issuer,
        error: error.error,
        ...(error.error_description ? { description: error.error_description } : {}),
      },
      { cause: error },
    );
  }
  return new ZitadelTokenError(
    `could not get an access token for machine user ${userId} from ${issuer}: ${messageOf(error)}`,
    { issuer },
    { cause: error },
  );
}
