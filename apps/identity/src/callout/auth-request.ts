// One auth-callout exchange without the NATS plumbing: open (xkey) and verify
// the server's authorization request, and seal the signed authorization
// response (a user JWT, or an error) for the server that asked.
import { encodeAuthorizationResponse, type AuthorizationRequest } from "@nats-io/jwt";
import { fromPublic, type KeyPair } from "@nats-io/nkeys";
import { z } from "zod";
import { verifyServerJwt } from "./native-ed25519.js";
import { createXkeyBox, type XkeyBox } from "./xkey-box.js";

/** The header nats-server puts its own xkey in when it encrypts a request. */
export const SERVER_XKEY_HEADER = "Nats-Server-Xkey";
/** Requests carry a JWT with client info (and TLS certificates at most): far below this. */
export const MAX_REQUEST_BYTES = 64 * 1024;
const REQUEST_AUDIENCE = "nats-authorization-request";

export interface CalloutKeys {
  /** Account key pair whose public key is the server's auth_callout.issuer. */
  issuer: KeyPair;
  /** Curve key pair whose public key is the server's auth_callout.xkey. */
  xkey: KeyPair;
}

/** An authorization request that was sealed for us and signed by the server it names. */
export interface OpenedRequest {
  request: AuthorizationRequest;
  /** The server's xkey, to seal the answer for it. */
  serverXkey: string;
}

/** Why a request gets no answer: unreadable or forged, or nobody waits for it any more. */
export type UnanswerableReason = "bad-request" | "expired-request";

/** A request that cannot even be answered with a refusal (undecodable, forged, stale). */
export class UnanswerableRequestError extends Error {
  override readonly name = "UnanswerableRequestError";
  constructor(message: string, options?: ErrorOptions & { reason?: UnanswerableReason }) {
    super(message, options);
    this.reason = options?.reason ?? "bad-request";
  }
  readonly reason: UnanswerableReason;
}

export function isUnanswerableRequestError(error: unknown): error is UnanswerableRequestError {
  return error instanceof UnanswerableRequestError;
}

const claimsShape = z.looseObject({
  iss: z.string(),
  aud: z.string().optional(),
  exp: z.number().optional(),
  nats: z.unknown(),
});

/** The fields every answer depends on; the server's JSON is not trusted to have them. */
const requestShape = z.looseObject({
  server_id: z.looseObject({ id: z.string().min(1) }),
  user_nkey: z.string().min(1),
  client_info: z.looseObject({ type: z.string().optional(), id: z.number().optional() }),
  connect_opts: z.looseObject({ auth_token: z.string().optional() }),
});

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** One box per xkey pair, so the shared key with each server is computed once. */
const boxes = new WeakMap<KeyPair, XkeyBox>();

function boxFor(xkey: KeyPair): XkeyBox {
  let box = boxes.get(xkey);
  if (box === undefined) {
    box = createXkeyBox(xkey);
    boxes.set(xkey, box);
  }
  return box;
}

/**
 * The request's `exp`, read before its signature is checked: an expired
 * request is dropped either way, forged or not, so nothing is trusted here.
 */
function unverifiedExpiry(jwt: string): number | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

export function openAuthRequest(
  message: { data: Uint8Array; serverXkey: string | undefined },
  keys: CalloutKeys,
  now: number,
): OpenedRequest {
  const { data, serverXkey } = message;
  // The server is configured with our xkey, so it always encrypts; a clear request is refused.
  if (serverXkey === undefined || serverXkey === "") {
    throw new UnanswerableRequestError("request not encrypted");
  }
  if (data.length > MAX_REQUEST_BYTES) throw new UnanswerableRequestError("request too large");
  const opened = boxFor(keys.xkey).open(data, serverXkey);
  if (!opened) throw new UnanswerableRequestError("request not sealed for our xkey");
  const jwt = text.decode(opened);
  // nats-server sets `exp` to its send time plus its auth timeout, truncated to
  // the second, and had started the client's own auth timer earlier, when it
  // accepted the connection: past `exp` the client is (almost always) gone, so
  // an answer would only delay the requests still waited for. No grace.
  const expiry = unverifiedExpiry(jwt);
  if (expiry !== undefined && expiry * 1000 < now) {
    throw new UnanswerableRequestError("request expired", { reason: "expired-request" });
  }
  let claims;
  try {
    // Checks the signature against the claims' issuer, a server key.
    claims = claimsShape.parse(verifyServerJwt(jwt));
  } catch (error) {
    throw new UnanswerableRequestError("request is not a JWT signed by a server", {
      cause: error,
    });
  }
  if (claims.aud !== REQUEST_AUDIENCE) throw new UnanswerableRequestError("not an auth request");
  if (!requestShape.safeParse(claims.nats).success) {
    throw new UnanswerableRequestError("request lacks the server, user or client fields");
  }
  const request = claims.nats as AuthorizationRequest;
  // The server signs with its own nkey, whose public key is its id.
  if (request.server_id.id !== claims.iss) {
    throw new UnanswerableRequestError("request not signed by the server it names");
  }
  return { request, serverXkey };
}

/** The signed answer, sealed for the server: a user JWT admits, an error refuses. */
export async function sealAuthResponse(
  opened: OpenedRequest,
  keys: CalloutKeys,
  answer: { jwt: string } | { error: string },
): Promise<Uint8Array> {
  const { request, serverXkey } = opened;
  const response = await encodeAuthorizationResponse(
    fromPublic(request.user_nkey),
    fromPublic(request.server_id.id),
    keys.issuer,
    answer,
    {},
  );
  return boxFor(keys.xkey).seal(utf8.encode(response), serverXkey);
}
