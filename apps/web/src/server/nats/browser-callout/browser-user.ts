// What a browser's NATS connection may do: receive heartbeats, nothing else.
// A KV put is an ordinary message on `$KV.<bucket>.<key>`, so a core
// subscription sees every heartbeat live; the first view comes from the server
// (tRPC). With no publish right at all there is no JetStream API: no consumer,
// durable or not, no KV read, no write, by construction.
import { AGENT_STATUS_FILTER, BUCKET_AGENT_STATUS } from "@fleet/contracts";
import type { User } from "@nats-io/jwt";
import type { Role } from "../../auth/roles";

/** The one subject a browser may subscribe to: every device's heartbeat puts. */
export const BROWSER_HEARTBEAT_SUBJECT = `$KV.${BUCKET_AGENT_STATUS}.${AGENT_STATUS_FILTER}`;
/** Strips this from a message's subject to get the KV key (`status.<device>`). */
export const AGENT_STATUS_SUBJECT_PREFIX = `$KV.${BUCKET_AGENT_STATUS}.`;

/**
 * The user claims of a browser connection. Every role gets the same read-only
 * view today; the role is an argument so a narrower role cannot be forgotten here.
 */
export function browserUserClaims(_role: Role): Partial<User> {
  return {
    pub: { deny: [">"] },
    sub: { allow: [BROWSER_HEARTBEAT_SUBJECT] },
    // The feed holds one subscription per connection.
    subs: 1,
    allowed_connection_types: ["WEBSOCKET"],
  };
}
