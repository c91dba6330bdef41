// The subset of Zitadel's management API (v1, REST) that provisioning needs:
// machine users, their keys, their state and their metadata. Authorized with an
// access token of a service user that may manage users (scope MANAGEMENT_SCOPES).
// Every answer is size-limited and validated before it is believed.
import { parseZitadelKey, zitadelIdSchema, type ZitadelKey } from "@fleet/contracts";
import { z } from "zod";
import { ZitadelApiError } from "./errors.js";
import { readLimitedText } from "./limited-body.js";
import type { JwtProfileTokenSource } from "./token-source.js";

export interface ZitadelManagementOptions {
  issuer: string;
  /** A token source for the provisioning service user, with scopes MANAGEMENT_SCOPES. */
  tokens: JwtProfileTokenSource;
  fetch?: typeof fetch;
  /** Acts in this organisation (header x-zitadel-orgid); by default the service user's own. */
  orgId?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export interface MachineUserInput {
  userName: string;
  name: string;
  description?: string;
}

const detailsSchema = z.object({}).loose();
const addMachineUserSchema = z.object({ userId: zitadelIdSchema });
const addMachineKeySchema = z.object({ keyId: zitadelIdSchema, keyDetails: z.string().min(1) });
// With a public key of the caller's, Zitadel has no key file to return (keyDetails is empty or absent).
const addPublicMachineKeySchema = z.object({ keyId: zitadelIdSchema });
const errorBodySchema = z.object({ code: z.number().optional(), message: z.string().optional() });

const MAX_ERROR_MESSAGE_LENGTH = 512;

function userPath(userId: string, suffix = ""): string {
  return `/management/v1/users/${encodeURIComponent(zitadelIdSchema.parse(userId))}${suffix}`;
}

export class ZitadelManagement {
  readonly #base: string;
  readonly #tokens: JwtProfileTokenSource;
  readonly #fetch: typeof fetch;
  readonly #orgId: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: ZitadelManagementOptions) {
    this.#base = options.issuer.replace(/\/+$/, "");
    this.#tokens = options.tokens;
    this.#fetch = options.fetch ?? fetch;
    this.#orgId = options.orgId;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Creates a machine user whose access tokens are JWTs (what the NATS identity service verifies). */
  async addMachineUser(input: MachineUserInput): Promise<{ userId: string }> {
    const body = await this.#call("POST", "/management/v1/users/machine", addMachineUserSchema, {
      userName: input.userName,
      name: input.name,
      description: input.description ?? "",
      accessTokenType: "ACCESS_TOKEN_TYPE_JWT",
    });
    return { userId: body.userId };
  }

  /**
   * Registers the public half of a key pair its holder generated (PEM; RSA,
   * as Zitadel's JWT-profile grant verifies RS256): no private key exists
   * anywhere but with the holder. Zitadel's AddMachineKey takes it as
   * `publicKey`, base64 of the PEM.
   */
  addMachineKey(
    userId: string,
    options: { publicKey: string; expirationDate?: Date },
  ): Promise<{ keyId: string }>;
  /** Adds a key pair to a machine user; the private key comes back once, in Zitadel's key-file format. */
  addMachineKey(
    userId: string,
    options?: { expirationDate?: Date },
  ): Promise<{ keyId: string; key: ZitadelKey }>;
  async addMachineKey(
    userId: string,
    options: { publicKey?: string; expirationDate?: Date } = {},
  ): Promise<{ keyId: string; key?: ZitadelKey }> {
    const operation = userPath(userId, "/keys");
    const expiration = options.expirationDate
      ? { expirationDate: options.expirationDate.toISOString() }
      : {};
    if (options.publicKey !== undefined) {
      const body = await this.#call("POST", operation, addPublicMachineKeySchema, {
        type: "KEY_TYPE_JSON",
        ...expiration,
        publicKey: Buffer.from(options.publicKey, "utf8").toString("base64"),
      });
      return { keyId: body.keyId };
    }
    const body = await this.#call("POST", operation, addMachineKeySchema, {
      type: "KEY_TYPE_JSON",
      ...expiration,
    });
    let key: ZitadelKey;
    try {
      key = parseZitadelKey(Buffer.from(body.keyDetails, "base64").toString("utf8"));
    } catch (cause) {
      throw new ZitadelApiError(
        `POST ${operation}: keyDetails is not a Zitadel key file: ${(cause as Error).message}`,
        { operation: `POST ${operation}` },
        { cause },
      );
    }
    if (key.keyId !== body.keyId || key.userId !== userId)
      throw new ZitadelApiError(
        `POST ${operation}: the key file is for user ${key.userId} key ${key.keyId}, not user ${userId} key ${body.keyId}`,
        { operation: `POST ${operation}` },
      );
    return { keyId: body.keyId, key };
  }

  async removeMachineKey(userId: string, keyId: string): Promise<void> {
    const path = userPath(userId, `/keys/${encodeURIComponent(zitadelIdSchema.parse(keyId))}`);
    await this.#call("DELETE", path, detailsSchema);
  }

  /** The user can no longer get tokens until reactivated. */
  async deactivateUser(userId: string): Promise<void> {
    await this.#call("POST", userPath(userId, "/_deactivate"), detailsSchema, {});
  }

  async reactivateUser(userId: string): Promise<void> {
    await this.#call("POST", userPath(userId, "/_reactivate"), detailsSchema, {});
  }

  async removeUser(userId: string): Promise<void> {
    await this.#call("DELETE", userPath(userId), detailsSchema);
  }

  /**
   * Sets one metadata entry on a user. The local IdP reads
   * LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY from it; real Zitadel just stores it.
   */
  async setMetadata(userId: string, key: string, value: string): Promise<void> {
    const path = userPath(userId, `/metadata/${encodeURIComponent(key)}`);
    await this.#call("POST", path, detailsSchema, {
      value: Buffer.from(value, "utf8").toString("base64"),
    });
  }

  async #call<S extends z.ZodType>(
    method: "POST" | "DELETE",
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const operation = `${method} ${path}`;
    const { value: token } = await this.#tokens.token();
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.#orgId === undefined ? {} : { "x-zitadel-orgid": this.#orgId }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new ZitadelApiError(
        `${operation} at ${this.#base} failed: ${(cause as Error).message}`,
        { operation },
        { cause },
      );
    }
    const text = await readLimitedText(response).catch((cause: unknown) => {
      throw new ZitadelApiError(
        `${operation}: ${(cause as Error).message}`,
        { operation, status: response.status },
        { cause },
      );
    });
    if (response.status === 401) this.#tokens.invalidate();
    if (!response.ok) throw apiError(operation, response.status, text);
    return parseAnswer(schema, operation, response.status, text);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function apiError(operation: string, status: number, text: string): ZitadelApiError {
  const parsed = errorBodySchema.safeParse(parseJson(text));
  const said = parsed.success ? parsed.data.message : undefined;
  const message = (said ?? text).slice(0, MAX_ERROR_MESSAGE_LENGTH) || "(no message)";
  return new ZitadelApiError(`${operation} answered HTTP ${status}: ${message}`, {
    operation,
    status,
    ...(parsed.success && parsed.data.code !== undefined ? { code: parsed.data.code } : {}),
  });
}

function parseAnswer<S extends z.ZodType>(
  schema: S,
  operation: string,
  status: number,
  text: string,
): z.output<S> {
  const parsed = schema.safeParse(parseJson(text));
  if (!parsed.success)
    throw new ZitadelApiError(
      `${operation} answered HTTP ${status} with an unexpected body: ${z.prettifyError(parsed.error)}`,
      { operation, status },
    );
  return parsed.data;
}
