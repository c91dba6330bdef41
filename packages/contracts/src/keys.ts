// NATS JetStream KV bucket names and key grammar.
//
// desired-state key: `<device>.<namespace>.<encodedName>`. Device ids and
// namespaces are DNS labels (no '.'), so they are single NATS tokens as-is.
// Resource names are DNS subdomains and may contain '.', which NATS treats as a
// token separator; since no Kubernetes name contains '_', '.' is encoded as '_'.
// The encoding is a bijection on legal names, so keys never collide and stay
// readable in `nats kv ls`.
import { type z } from "zod";
import { InvalidKeyError } from "./errors.js";
import {
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  deviceIdSchema,
  namespaceNameSchema,
  resourceNameSchema,
} from "./kubernetes-names.js";

export const BUCKET_DESIRED_STATE = "desired-state";
export const BUCKET_AGENT_STATUS = "agent-status";

const STATUS_PREFIX = "status.";
/** Watch filter for every device's heartbeat in the agent-status bucket. */
export const AGENT_STATUS_FILTER = "status.>";

/** Characters NATS allows in a KV key; tokens are separated by '.' and never empty. */
export const NATS_KV_KEY_PATTERN = /^[-/_=.a-zA-Z0-9]+$/;

/** device (label) + namespace (label) + name (subdomain), with two separating dots. */
export const DESIRED_STATE_KEY_MAX_LENGTH =
  DNS1123_LABEL_MAX_LENGTH * 2 + DNS1123_SUBDOMAIN_MAX_LENGTH + 2;

export interface DesiredStateKeyParts {
  device: string;
  namespace: string;
  name: string;
}

function check(schema: z.ZodType, value: string, label: string, key: string, token = value): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues.map((issue) => issue.message).join("; ");
    const what =
      token === value ? `${label} "${value}"` : `${label} token "${token}" (${label} "${value}")`;
    throw new InvalidKeyError(`invalid key "${key}": ${what} ${reason}`, key, token, {
      cause: result.error,
    });
  }
}

/** The desired-state key of one CR on one device. Throws InvalidKeyError on an illegal part. */
export function desiredStateKey(parts: DesiredStateKeyParts): string {
  const key = `${parts.device}.${parts.namespace}.${parts.name.replaceAll(".", "_")}`;
  check(deviceIdSchema, parts.device, "device", key);
  check(namespaceNameSchema, parts.namespace, "namespace", key);
  check(resourceNameSchema, parts.name, "name", key);
  return key;
}

/** Inverse of desiredStateKey. Throws InvalidKeyError naming the bad token. */
export function parseDesiredStateKey(key: string): DesiredStateKeyParts {
  const tokens = key.split(".");
  const [device, namespace, encodedName] = tokens;
  if (
    tokens.length !== 3 ||
    device === undefined ||
    namespace === undefined ||
    encodedName === undefined
  ) {
    throw new InvalidKeyError(
      `invalid key "${key}": expected <device>.<namespace>.<name> (3 tokens), got ${tokens.length}`,
      key,
    );
  }
  const name = encodedName.replaceAll("_", ".");
  check(deviceIdSchema, device, "device", key);
  check(namespaceNameSchema, namespace, "namespace", key);
  check(resourceNameSchema, name, "name", key, encodedName);
  return { device, namespace, name };
}

/** True when `key` is a well-formed desired-state key. */
export function isDesiredStateKey(key: string): boolean {
  try {
    parseDesiredStateKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Watch filter for one device's entries in the desired-state bucket. */
export function deviceDesiredStateFilter(device: string): string {
  check(deviceIdSchema, device, "device", device);
  return `${device}.>`;
}

/**
 * Watch/keys filter for one CR's entries on every device in the desired-state
 * bucket: `*.<namespace>.<encodedName>`. The operator lists these to find
 * devices dropped from targetDevices and to clean up a deleted CR.
 */
export function deploymentDesiredStateFilter(parts: { namespace: string; name: string }): string {
  const encodedName = parts.name.replaceAll(".", "_");
  const filter = `*.${parts.namespace}.${encodedName}`;
  check(namespaceNameSchema, parts.namespace, "namespace", filter);
  check(resourceNameSchema, parts.name, "name", filter);
  return filter;
}

/** The agent-status key of one device. */
export function agentStatusKey(device: string): string {
  const key = `${STATUS_PREFIX}${device}`;
  check(deviceIdSchema, device, "device", key);
  return key;
}

/** Inverse of agentStatusKey: the device id. Throws InvalidKeyError. */
export function parseAgentStatusKey(key: string): string {
  if (!key.startsWith(STATUS_PREFIX)) {
    throw new InvalidKeyError(`invalid key "${key}": expected status.<device>`, key);
  }
  const device = key.slice(STATUS_PREFIX.length);
  check(deviceIdSchema, device, "device", key);
  return device;
}
