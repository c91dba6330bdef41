// NatsPermissions (contracts) as nats-server config. nats-server reads an
// empty or missing `allow` list as "everything", so a side that allows nothing
// is written as `deny: [">"]` instead.
import type { NatsPermissions } from "@fleet/contracts";

interface SubjectPermission {
  allow?: string[];
  deny?: string[];
}

export interface ServerPermissions {
  publish: SubjectPermission;
  subscribe: SubjectPermission;
  allow_responses?: boolean;
}

function side({ allow, deny = [] }: { allow: string[]; deny?: string[] }): SubjectPermission {
  if (allow.length === 0) return { deny: [">"] };
  return deny.length === 0 ? { allow } : { allow, deny };
}

export function serverPermissions(permissions: NatsPermissions): ServerPermissions {
  return {
    publish: side(permissions.publish),
    subscribe: side(permissions.subscribe),
    ...(permissions.allowResponses === true && { allow_responses: true }),
  };
}
