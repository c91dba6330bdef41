// From the neutral permissions of contracts (nats-permissions.ts) to the
// claims of a NATS user JWT. The neutral type means "anything not allowed is
// denied"; in a user JWT an empty allow list means "everything", so an empty
// list becomes an explicit deny of everything.
import type { NatsPermissions } from "@fleet/contracts";
import type { ConnectionType, Permission, User } from "@nats-io/jwt";

function permission(rules: { allow: string[]; deny?: string[] | undefined }): Partial<Permission> {
  if (rules.allow.length === 0) return { deny: [">"] };
  return rules.deny === undefined || rules.deny.length === 0
    ? { allow: [...rules.allow] }
    : { allow: [...rules.allow], deny: [...rules.deny] };
}

export function userClaimsOf(
  permissions: NatsPermissions,
  extra: { connectionTypes: ConnectionType[]; maxSubscriptions?: number },
): Partial<User> {
  return {
    pub: permission(permissions.publish),
    sub: permission(permissions.subscribe),
    // One reply per request received, within the request's lifetime (nats-server's default window).
    ...(permissions.allowResponses === true && { resp: { max: 1, ttl: 0 } }),
    ...(extra.maxSubscriptions !== undefined && { subs: extra.maxSubscriptions }),
    allowed_connection_types: extra.connectionTypes,
  };
}
