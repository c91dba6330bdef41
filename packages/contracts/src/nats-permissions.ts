// Every NATS identity's permissions, defined once. The local platform turns
// them into nats-server config (nkey users), the identity service into user
// JWT claims (devices, browsers), docs/nats.md lists them for production.
//
// Subjects follow what the nats.js v3 KV client (@nats-io/kv 3.x) sends:
// - open (`Kvm.open`): nothing; `jetstreamManager()` and `Kvm.create` check the
//   API with `$JS.API.INFO`; `Kvm.create` and `kv.status()` ask
//   `$JS.API.STREAM.INFO.<stream>` (and `STREAM.CREATE` when missing);
// - get: `$JS.API.DIRECT.GET.<stream>.<key subject>` when the bucket was opened
//   with `allow_direct: true` (or created), else `$JS.API.STREAM.MSG.GET.<stream>`;
// - put, delete, purge: a JetStream publish on `$KV.<bucket>.<key>`, acked to the inbox;
// - watch, keys: an ordered push consumer, created on
//   `$JS.API.CONSUMER.CREATE.<stream>.<name>.<filter subject>` (the server checks
//   that the body's filter is the one in the subject: nats-server #3548, #5203),
//   delivered to `<inboxPrefix>.<nuid>.<n>`, answering flow control on
//   `$JS.FC.<stream>.>`; on a reset it deletes the old consumer
//   (`CONSUMER.DELETE`, failure ignored); `keys` also asks `CONSUMER.INFO`.
import { BROWSER_AUTH_SESSIONS_SUBJECT, BROWSER_AUTH_SUBJECTS } from "./browser-auth-subjects.js";
import type { DeviceGrant } from "./device.js";
import { AGENT_STATUS_FILTER, BUCKET_AGENT_STATUS, BUCKET_DESIRED_STATE } from "./keys.js";
import { deviceIdSchema, type DeviceId } from "./kubernetes-names.js";

/** What one NATS identity may publish and subscribe to; anything not allowed is denied. */
export interface NatsPermissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
  /** May answer requests sent to it (publish to their reply subjects), nothing more. */
  allowResponses?: boolean;
}

const JS_API = "$JS.API";
const stream = (bucket: string): string => `KV_${bucket}`;
const keySubject = (bucket: string, key: string): string => `$KV.${bucket}.${key}`;
const DESIRED = stream(BUCKET_DESIRED_STATE);
const STATUS = stream(BUCKET_AGENT_STATUS);

/**
 * A device's inbox prefix (`_INBOX_<id>`): the agent connects with it
 * (`inboxPrefix`), so its replies and consumer deliveries never share a
 * namespace with another client's. Device ids are DNS labels (no `_`), so no
 * device prefix equals a service's below or the default `_INBOX`.
 */
export function deviceInboxPrefix(deviceId: DeviceId): string {
  return `_INBOX_${deviceIdSchema.parse(deviceId)}`;
}

/** The operator's inbox prefix (connect option `inboxPrefix`). */
export const OPERATOR_INBOX_PREFIX = "_INBOX_svc_operator";
/**
 * The default inbox prefix. In the global account only the dashboard server
 * uses it: devices and the operator have their own, browsers and the identity
 * service have none (the kick user's is in the system account).
 */
const DEFAULT_INBOX_PREFIX = "_INBOX";

const inbox = (prefix: string): string => `${prefix}.>`;

/**
 * A device: read its own desired-state keys (direct get, consumers filtered to
 * them), write its own heartbeat, use its own inbox. Not granted, by design:
 * - an unfiltered or foreign-filtered consumer, `keys` over the bucket, durable
 *   consumers (`CONSUMER.DURABLE.CREATE`), raw `STREAM.MSG.GET`;
 * - `STREAM.INFO`: with `subjects_filter` it lists every key of the bucket, so
 *   the agent opens the buckets with `Kvm.open(bucket, { allow_direct: true })`,
 *   never `Kvm.create` or `kv.status()`;
 * - `CONSUMER.DELETE`/`INFO`: consumer names are random, so allowing them for the
 *   device's own would allow them for everyone's. An ordered consumer ignores a
 *   refused delete on reset; the server removes the orphan after 5 idle minutes.
 */
export function devicePermissions(
  deviceId: DeviceId,
  grants: readonly DeviceGrant[],
): NatsPermissions {
  const prefix = deviceInboxPrefix(deviceId);
  // Account-level JetStream info, which clients ask before using the API (jetstreamManager()).
  const publish = [`${JS_API}.INFO`];
  if (grants.includes("desired-state.read")) {
    const own = keySubject(BUCKET_DESIRED_STATE, `${deviceId}.>`);
    publish.push(
      `${JS_API}.DIRECT.GET.${DESIRED}.${own}`,
      // `*` is the consumer's name; the filter subject must be inside the device's keys.
      `${JS_API}.CONSUMER.CREATE.${DESIRED}.*.${own}`,
      `$JS.FC.${DESIRED}.>`,
    );
  }
  if (grants.includes("agent-status.write")) {
    publish.push(keySubject(BUCKET_AGENT_STATUS, `status.${deviceId}`));
  }
  return { publish: { allow: publish }, subscribe: { allow: [inbox(prefix)] } };
}

/** Read and watch every device's heartbeat: get, filtered or whole-bucket consumers. */
function agentStatusReader(): string[] {
  return [
    `${JS_API}.STREAM.INFO.${STATUS}`,
    `${JS_API}.DIRECT.GET.${STATUS}.>`,
    `${JS_API}.STREAM.MSG.GET.${STATUS}`,
    `${JS_API}.CONSUMER.CREATE.${STATUS}.>`,
    `${JS_API}.CONSUMER.INFO.${STATUS}.*`,
    `${JS_API}.CONSUMER.DELETE.${STATUS}.*`,
    `$JS.FC.${STATUS}.>`,
  ];
}

/**
 * The operator (apps/operator): creates both buckets when missing, reads,
 * writes, deletes and lists desired-state, watches every heartbeat.
 * No stream update or delete, no durable consumers, no other stream.
 */
export function operatorPermissions(): NatsPermissions {
  return {
    publish: {
      allow: [
        `${JS_API}.INFO`,
        ...[DESIRED, STATUS].flatMap((s) => [
          `${JS_API}.STREAM.INFO.${s}`,
          `${JS_API}.STREAM.CREATE.${s}`,
        ]),
        // Put, delete and purge of any device's entries.
        keySubject(BUCKET_DESIRED_STATE, ">"),
        `${JS_API}.DIRECT.GET.${DESIRED}.>`,
        `${JS_API}.STREAM.MSG.GET.${DESIRED}`,
        // keys(): filtered per CR, and the whole bucket for orphan clean-up.
        `${JS_API}.CONSUMER.CREATE.${DESIRED}.>`,
        `${JS_API}.CONSUMER.INFO.${DESIRED}.*`,
        `${JS_API}.CONSUMER.DELETE.${DESIRED}.*`,
        `$JS.FC.${DESIRED}.>`,
        // The status aggregator's watch of every heartbeat.
        `${JS_API}.CONSUMER.CREATE.${STATUS}.*.${keySubject(BUCKET_AGENT_STATUS, AGENT_STATUS_FILTER)}`,
        `${JS_API}.CONSUMER.DELETE.${STATUS}.*`,
        `$JS.FC.${STATUS}.>`,
      ],
    },
    subscribe: { allow: [inbox(OPERATOR_INBOX_PREFIX)] },
  };
}

/**
 * The dashboard server (apps/web): reads and watches agent-status, writes
 * nothing to KV, and publishes session verdicts (sign-outs, role changes) that
 * the identity service acts on.
 */
export function dashboardServerPermissions(): NatsPermissions {
  return {
    publish: { allow: [...agentStatusReader(), BROWSER_AUTH_SESSIONS_SUBJECT] },
    subscribe: { allow: [inbox(DEFAULT_INBOX_PREFIX)] },
  };
}

/**
 * The identity service (apps/identity): receives auth-callout requests and
 * answers them (allowResponses), and shares session verdicts among its
 * replicas. No KV, no inbox.
 */
export function identityServicePermissions(): NatsPermissions {
  return {
    publish: { allow: [BROWSER_AUTH_SUBJECTS] },
    subscribe: { allow: ["$SYS.REQ.USER.AUTH", BROWSER_AUTH_SUBJECTS] },
    allowResponses: true,
  };
}

/**
 * A system-account user that may only find a user's connections on every
 * server (`PING.CONNZ` filtered by user) and kick them (revocation).
 */
export function kickOnlyPermissions(): NatsPermissions {
  return {
    publish: { allow: ["$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.SERVER.*.KICK"] },
    subscribe: { allow: [inbox(DEFAULT_INBOX_PREFIX)] },
  };
}

/**
 * A browser session: every device's heartbeat as it is put (a core
 * subscription on the KV subject), and nothing else. With no publish right
 * there is no JetStream API: no consumer, no KV read, no write.
 */
export function browserPermissions(): NatsPermissions {
  return {
    publish: { allow: [], deny: [">"] },
    subscribe: { allow: [keySubject(BUCKET_AGENT_STATUS, AGENT_STATUS_FILTER)] },
  };
}
