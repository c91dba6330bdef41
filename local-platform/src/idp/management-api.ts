// The subset of Zitadel's management API v1 that provisioning uses, served by
// the local IdP under /management/v1 with Zitadel's paths, bodies and error
// shape ({ code, message } with the gRPC code). Only the platform admin may
// call it, with an access token for the "zitadel" audience, as at Zitadel
// where the provisioning service user holds a user-manager role.
import type { IncomingMessage, ServerResponse } from "node:http";
import { LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY, ZITADEL_API_AUDIENCE } from "@fleet/zitadel";
import { z } from "zod";
import type { AccessTokens } from "./access-tokens.js";
import { isValidLifetimeMetadata } from "./jwt-profile-grant.js";
import { ACCESS_TOKEN_TYPE_JWT, MachineUserError, type MachineUserStore } from "./machine-users.js";
import { adminUserId } from "./platform-admin.js";

export const MANAGEMENT_PREFIX = "/management/v1/";

const MAX_BODY_BYTES = 16 * 1024;
const TEXT_MAX = 200;

// gRPC status codes, and the HTTP status grpc-gateway maps each to.
const GRPC = {
  invalid_argument: { code: 3, http: 400 },
  not_found: { code: 5, http: 404 },
  already_exists: { code: 6, http: 409 },
  permission_denied: { code: 7, http: 403 },
  failed_precondition: { code: 9, http: 400 },
  unimplemented: { code: 12, http: 501 },
  unauthenticated: { code: 16, http: 401 },
} as const;
type GrpcStatus = keyof typeof GRPC;

class ApiError extends Error {
  constructor(
    readonly status: GrpcStatus,
    message: string,
  ) {
    super(message);
  }
}

const addMachineUserSchema = z.object({
  userName: z.string().min(1).max(TEXT_MAX),
  name: z.string().min(1).max(TEXT_MAX),
  description: z
    .string()
    .max(TEXT_MAX * 5)
    .default(""),
  accessTokenType: z.string().optional(),
});
const addKeySchema = z.object({
  type: z.string(),
  expirationDate: z.iso.datetime({ offset: true }).optional(),
  /** Zitadel's `publicKey` (bytes, so base64 in JSON): the PEM of a key the caller generated. */
  publicKey: z.base64().max(8192).optional(),
});
const metadataSchema = z.object({ value: z.base64().max(4096) });
const metadataKeySchema = z.string().min(1).max(TEXT_MAX);

export interface ManagementDependencies {
  store: MachineUserStore;
  tokens: AccessTokens;
}

function details(): { details: { sequence: string; changeDate: string } } {
  return { details: { sequence: String(Date.now()), changeDate: new Date().toISOString() } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    received += buffer.byteLength;
    if (received > MAX_BODY_BYTES)
      throw new ApiError("invalid_argument", `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_argument", "request body is not JSON");
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError("invalid_argument", z.prettifyError(parsed.error));
  return parsed.data;
}

/** The caller must be the platform admin, with a valid token for Zitadel's own API. */
async function authorize(req: IncomingMessage, deps: ManagementDependencies): Promise<void> {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer ([\w.-]+)$/.exec(header);
  if (!match?.[1])
    throw new ApiError("unauthenticated", "auth header missing or not a bearer token");
  let userId: string;
  try {
    ({ sub: userId } = await deps.tokens.verify(match[1], ZITADEL_API_AUDIENCE));
  } catch {
    throw new ApiError(
      "unauthenticated",
      `token invalid or expired, or its audience lacks ${ZITADEL_API_AUDIENCE}`,
    );
  }
  const admin = adminUserId(deps.store);
  if (admin === undefined || userId !== admin || !deps.store.user(admin)?.active)
    throw new ApiError("permission_denied", "No matching permissions found");
}

function guardAdmin(deps: ManagementDependencies, userId: string, what: string): void {
  if (userId === adminUserId(deps.store))
    throw new ApiError("failed_precondition", `the platform admin cannot ${what} itself`);
}

type Route = (
  deps: ManagementDependencies,
  req: IncomingMessage,
  ids: string[],
) => Promise<unknown>;

const ROUTES: { method: string; pattern: RegExp; run: Route }[] = [
  {
    method: "POST",
    pattern: /^users\/machine$/,
    run: async (deps, req) => {
      const input = parse(addMachineUserSchema, await readJson(req));
      if (input.accessTokenType !== ACCESS_TOKEN_TYPE_JWT)
        throw new ApiError(
          "invalid_argument",
          `accessTokenType must be ${ACCESS_TOKEN_TYPE_JWT}: the local IdP issues only JWT access tokens (Zitadel's default is opaque)`,
        );
      const userId = await deps.store.addMachineUser(input);
      return { userId, ...details() };
    },
  },
  {
    method: "POST",
    pattern: /^users\/([^/]+)\/keys$/,
    run: async (deps, req, [userId = ""]) => {
      const input = parse(addKeySchema, await readJson(req));
      if (input.type !== "KEY_TYPE_JSON")
        throw new ApiError("invalid_argument", "type must be KEY_TYPE_JSON");
      const expires =
        input.expirationDate === undefined ? undefined : new Date(input.expirationDate);
      if (input.publicKey !== undefined) {
        // As Zitadel: the caller holds the private key, so there are no key details to return.
        const pem = Buffer.from(input.publicKey, "base64").toString("utf8");
        const keyId = await deps.store.addPublicKey(userId, pem, expires);
        return { keyId, ...details() };
      }
      const key = await deps.store.addKey(userId, expires);
      return {
        keyId: key.keyId,
        keyDetails: Buffer.from(JSON.stringify(key)).toString("base64"),
        ...details(),
      };
    },
  },
  {
    method: "DELETE",
    pattern: /^users\/([^/]+)\/keys\/([^/]+)$/,
    run: async (deps, _req, [userId = "", keyId = ""]) => {
      guardAdmin(deps, userId, "remove keys of");
      await deps.store.removeKey(userId, keyId);
      return details();
    },
  },
  {
    method: "POST",
    pattern: /^users\/([^/]+)\/_deactivate$/,
    run: async (deps, _req, [userId = ""]) => {
      guardAdmin(deps, userId, "deactivate");
      await deps.store.setActive(userId, false);
      return details();
    },
  },
  {
    method: "POST",
    pattern: /^users\/([^/]+)\/_reactivate$/,
    run: async (deps, _req, [userId = ""]) => {
      await deps.store.setActive(userId, true);
      return details();
    },
  },
  {
    method: "DELETE",
    pattern: /^users\/([^/]+)$/,
    run: async (deps, _req, [userId = ""]) => {
      guardAdmin(deps, userId, "remove");
      await deps.store.removeUser(userId);
      return details();
    },
  },
  {
    method: "POST",
    pattern: /^users\/([^/]+)\/metadata\/([^/]+)$/,
    run: async (deps, req, [userId = "", key = ""]) => {
      const { value } = parse(metadataSchema, await readJson(req));
      const metadataKey = parse(metadataKeySchema, key);
      const text = Buffer.from(value, "base64").toString("utf8");
      if (
        metadataKey === LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY &&
        !isValidLifetimeMetadata(text)
      )
        throw new ApiError(
          "invalid_argument",
          `${metadataKey} must be whole seconds from 1 to 86400`,
        );
      await deps.store.setMetadata(userId, metadataKey, value);
      return details();
    },
  },
];

/** Path segments as sent (percent-decoded); the store's lookups refuse unknown ids. */
function decodeSegments(raw: string[]): string[] {
  try {
    return raw.map((part) => decodeURIComponent(part));
  } catch {
    throw new ApiError("invalid_argument", "malformed percent-encoding in the path");
  }
}

/** Handles /management/v1/*; returns false for every other path. */
export async function handleManagement(
  deps: ManagementDependencies,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? "/", "https://idp").pathname;
  if (!path.startsWith(MANAGEMENT_PREFIX)) return false;
  try {
    await authorize(req, deps);
    const rest = path.slice(MANAGEMENT_PREFIX.length);
    const matching = ROUTES.filter((route) => route.pattern.test(rest));
    const route = matching.find((candidate) => candidate.method === req.method);
    if (!route)
      throw new ApiError(
        matching.length > 0 ? "unimplemented" : "not_found",
        `${req.method ?? "?"} /management/v1/${rest} is not offered by the local IdP`,
      );
    const ids = decodeSegments(route.pattern.exec(rest)?.slice(1) ?? []);
    send(res, 200, await route.run(deps, req, ids));
  } catch (error) {
    const status =
      error instanceof ApiError
        ? error.status
        : error instanceof MachineUserError
          ? error.code
          : undefined;
    if (status === undefined) throw error;
    send(res, GRPC[status].http, {
      code: GRPC[status].code,
      message: (error as Error).message,
      details: [],
    });
  }
  return true;
}
