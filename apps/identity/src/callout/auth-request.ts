// One auth-callout exchange without the NATS plumbing: open (xkey) and verify
// the server's authorization request, and seal the signed authorization
// response (a user JWT, or an error) for the server that asked.
import { encodeAuthorizationResponse, type AuthorizationRequest } from "@nats-io/jwt";
import { fromPublic, type KeyPair } from "@nats-io/nkeys";
import { z } from "zod";
import { verifyServerJwt } from "./native-ed25519.js";

/** The header nats-server puts its own xkey in when it encrypts a request. */
export const SERVER_XKEY_HEADER = "Nats-Server-Xkey";
/** Requests carry a JWT with client info (and TLS certificates at most): far below this. */
export const MAX_REQUEST_BYTES = 64 * 1024;
const REQUEST_AUDIENCE = "nats-authorization-request";
/** A request older than this was queued too long: the server gave up on it already. */
const REQUEST_MAX_AGE_MS = 1000;

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

/** A request that cannot even be answered with a refusal (undecodable, forged, stale). */
export class UnanswerableRequestError extends Error {
  override readonly name = "UnanswerableRequestError";
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
  const opened = keys.xkey.open(data, serverXkey);
  if (!opened) throw new UnanswerableRequestError("request not sealed for our xkey");
  let claims;
  try {
    // Checks the signature against the claims' issuer, a server key.
    claims = claimsShape.parse(verifyServerJwt(text.decode(opened)));
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
  if (claims.exp !== undefined && claims.exp * 1000 < now - REQUEST_MAX_AGE_MS) {
    throw new UnanswerableRequestError("request expired");
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
  return keys.xkey.seal(utf8.encode(response), serverXkey);
}
