// One auth-callout exchange, without the NATS plumbing: open (xkey) and verify
// the server's authorization request, check the browser's ticket, and seal the
// signed authorization response: a user JWT that expires with the ticket, or
// an error. nats-server then admits or refuses the connection.
import type { KeyObject } from "node:crypto";
import {
  decode,
  encodeAuthorizationResponse,
  encodeUser,
  type AuthorizationRequest,
} from "@nats-io/jwt";
import { fromPublic, type KeyPair } from "@nats-io/nkeys";
import { browserUserClaims } from "./browser-user";
import type { AdmittedConnection, LiveSessions } from "./live-sessions";
import { isTicketRefusedError, verifyBrowserTicket } from "./ticket";

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
  /** Verifies browser tickets (the dashboard's signing key, public half). */
  ticketPublicKey: KeyObject;
  /** The account browsers are placed in (config mode: the user JWT's audience). */
  account: string;
}

export interface CalloutAnswer {
  /** The bytes to reply with (sealed for the server when it sent its xkey). */
  reply: Uint8Array;
  /** Set when a browser was admitted, for sign-out to find it again. */
  admitted?: { sessionId: string; connection: AdmittedConnection };
  /** Set when refused: why, for the log (never the ticket). */
  refused?: string;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A request that cannot even be answered with a refusal (undecodable, forged, stale). */
export class UnanswerableRequestError extends Error {
  override readonly name = "UnanswerableRequestError";
}

function openRequest(
  data: Uint8Array,
  serverXkey: string,
  keys: CalloutKeys,
): AuthorizationRequest & { iss: string; exp?: number | undefined } {
  if (data.length > MAX_REQUEST_BYTES) throw new UnanswerableRequestError("request too large");
  const opened = keys.xkey.open(data, serverXkey);
  if (!opened) throw new UnanswerableRequestError("request not sealed for our xkey");
  const claims = decode<AuthorizationRequest>(text.decode(opened));
  const request = claims.nats as AuthorizationRequest;
  if (claims.aud !== REQUEST_AUDIENCE) throw new UnanswerableRequestError("not an auth request");
  // The server signs with its own nkey, whose public key is its id.
  if (request.server_id.id !== claims.iss) {
    throw new UnanswerableRequestError("request not signed by the server it names");
  }
  return { ...request, iss: claims.iss, exp: claims.exp };
}

export async function answerAuthRequest(
  message: { data: Uint8Array; serverXkey: string | undefined },
  keys: CalloutKeys,
  sessions: LiveSessions,
  now: number = Date.now(),
): Promise<CalloutAnswer> {
  // The server is configured with our xkey, so it always encrypts; a clear request is refused.
  const { serverXkey } = message;
  if (serverXkey === undefined) throw new UnanswerableRequestError("request not encrypted");
  const request = openRequest(message.data, serverXkey, keys);
  if (request.exp !== undefined && request.exp * 1000 < now - 1000) {
    throw new UnanswerableRequestError("request expired");
  }
  const user = fromPublic(request.user_nkey);
  const server = fromPublic(request.server_id.id);
  const seal = async (data: { jwt: string } | { error: string }): Promise<Uint8Array> => {
    const response = await encodeAuthorizationResponse(user, server, keys.issuer, data, {});
    return keys.xkey.seal(utf8.encode(response), serverXkey);
  };
  const refuse = async (reason: string): Promise<CalloutAnswer> => ({
    reply: await seal({ error: reason }),
    refused: reason,
  });

  const ticket = request.connect_opts.auth_token;
  if (ticket === undefined || ticket === "") return refuse("no browser ticket");
  if (request.client_info.type !== "websocket") return refuse("browser tickets are for websockets");
  let claims;
  try {
    claims = await verifyBrowserTicket(ticket, keys.ticketPublicKey, now);
  } catch (error) {
    if (!isTicketRefusedError(error)) throw error;
    return refuse(error.message);
  }
  const refusal = sessions.refusal(claims, now);
  if (refusal !== undefined) return refuse(refusal);

  const cid = request.client_info.id;
  if (cid === undefined) return refuse("no client id to track the connection by");
  const jwt = await encodeUser(
    `browser:${claims.sessionId}`,
    user,
    keys.issuer,
    browserUserClaims(claims.role),
    { aud: keys.account, exp: Math.floor(claims.expiresAt / 1000) },
  );
  return {
    reply: await seal({ jwt }),
    admitted: {
      sessionId: claims.sessionId,
      connection: {
        serverId: request.server_id.id,
        cid,
        role: claims.role,
        expiresAt: claims.expiresAt,
      },
    },
  };
}
