// The auth-callout responder: nats-server asks on $SYS.REQ.USER.AUTH (a queue
// group, so replicas share the load); each request is opened, decided and
// answered with a signed user JWT or an error. Every answer is logged with its
// reason and counted; a request that cannot even be answered is dropped (the
// server then refuses the client when its auth timeout runs out).
import type { Logger } from "@fleet/runtime";
import { encodeUser, type AuthorizationRequest } from "@nats-io/jwt";
import { fromPublic } from "@nats-io/nkeys";
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import type { Metrics } from "../metrics.js";
import {
  isUnanswerableRequestError,
  openAuthRequest,
  sealAuthResponse,
  SERVER_XKEY_HEADER,
  type CalloutKeys,
  type UnanswerableReason,
} from "./auth-request.js";
import type { Decision } from "./decision.js";

export const AUTH_CALLOUT_SUBJECT = "$SYS.REQ.USER.AUTH";
export const CALLOUT_QUEUE = "fleet-identity";

export interface ResponderOptions {
  keys: CalloutKeys;
  /** The account callers are placed in (the user JWT's audience; `$G` in config mode). */
  account: string;
  decide: (request: AuthorizationRequest, now: number) => Promise<Decision>;
  metrics: Metrics;
  log: Logger;
}

export type CalloutOutcome =
  | { answered: true; reply: Uint8Array; decision: Decision }
  | { answered: false; reason: string; code: UnanswerableReason };

/** One request, without NATS: what to reply, and why. */
export async function answerCallout(
  message: { data: Uint8Array; serverXkey: string | undefined },
  options: ResponderOptions,
  now: number,
): Promise<CalloutOutcome> {
  let opened;
  try {
    opened = openAuthRequest(message, options.keys, now);
  } catch (error) {
    if (isUnanswerableRequestError(error)) {
      return { answered: false, reason: error.message, code: error.reason };
    }
    throw error;
  }
  const decision = await options.decide(opened.request, now);
  if (!decision.admit) {
    const reply = await sealAuthResponse(opened, options.keys, { error: decision.code });
    return { answered: true, reply, decision };
  }
  const jwt = await encodeUser(
    decision.name,
    fromPublic(opened.request.user_nkey),
    options.keys.issuer,
    decision.claims,
    { aud: options.account, exp: Math.floor(decision.expiresAt / 1000) },
  );
  return { answered: true, reply: await sealAuthResponse(opened, options.keys, { jwt }), decision };
}

export function listenForCallouts(nc: NatsConnection, options: ResponderOptions): Subscription {
  return nc.subscribe(AUTH_CALLOUT_SUBJECT, {
    queue: CALLOUT_QUEUE,
    callback: (error, msg) => {
      if (!error) void respond(msg, options);
    },
  });
}

async function respond(msg: Msg, options: ResponderOptions): Promise<void> {
  const { log, metrics } = options;
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  let outcome: CalloutOutcome;
  try {
    outcome = await answerCallout(
      { data: msg.data, serverXkey: msg.headers?.get(SERVER_XKEY_HEADER) },
      options,
      Date.now(),
    );
  } catch (error) {
    metrics.callouts.inc({ kind: "unknown", result: "error", reason: "internal" });
    log.error({ err: error }, "auth callout failed; the client is refused at the server's timeout");
    return;
  }
  if (!outcome.answered) {
    metrics.callouts.inc({ kind: "unknown", result: "unanswerable", reason: outcome.code });
    // A storm's expired requests are expected, and many: not worth a warning each.
    if (outcome.code === "expired-request") log.debug({ reason: outcome.reason }, "dropped");
    else log.warn({ reason: outcome.reason }, "unanswerable auth callout request");
    return;
  }
  msg.respond(outcome.reply);
  const { decision } = outcome;
  const result = decision.admit ? "admitted" : "refused";
  metrics.callouts.inc({
    kind: decision.kind,
    result,
    reason: decision.admit ? "" : decision.code,
  });
  metrics.calloutDuration.observe({ kind: decision.kind, result }, elapsed());
  if (decision.admit) {
    log.debug({ kind: decision.kind, user: decision.name }, "admitted");
  } else {
    log.info(
      { kind: decision.kind, reason: decision.code, detail: decision.detail },
      "connection refused",
    );
  }
}
