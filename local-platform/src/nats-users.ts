// Who may use the local platform's NATS, and with which rights.
//
// - Clients that send no credentials (the operator, agents and tests on this
//   machine) are mapped to `fleet-service`, which may do anything: the server
//   listens on loopback only, and per-device identities come later.
// - Browsers never get a static credential. Each connects over websocket with a
//   short-lived ticket from the dashboard; nats-server asks the auth-callout
//   responder ($SYS.REQ.USER.AUTH, encrypted with the callout xkey), which
//   answers with a user JWT that expires with the ticket and may only subscribe
//   to heartbeats (see apps/web/src/server/nats/browser-callout).
// - Every other identity is an nkey user listed in `auth_users`, so the callout
//   never sees it: the dashboard server (read agent-status), the callout
//   responder itself, a service twin with a rotatable credential, and a
//   system-account user that may only kick connections.
import { BROWSER_AUTH_SUBJECTS, BUCKET_AGENT_STATUS } from "@fleet/contracts";
import { fromCurveSeed, fromSeed } from "@nats-io/nkeys";
import type { NatsSecrets } from "./nats-secrets.js";

export const SERVICE_USER = "fleet-service";
/** The account browsers (and every client without an account of its own) live in. */
export const GLOBAL_ACCOUNT = "$G";
export const SYSTEM_ACCOUNT = "SYS";
/** Subjects the callout responders use among themselves (session verdicts for every replica). */
export const CALLOUT_SERVICE_SUBJECTS = BROWSER_AUTH_SUBJECTS;

interface Permissions {
  publish?: { allow?: string[]; deny?: string[] };
  subscribe?: { allow?: string[]; deny?: string[] };
  allow_responses?: boolean;
}

/** Read-only access to one KV bucket: open, get, watch (ordered consumers) — no put, no other stream. */
export function kvReadOnlyPermissions(bucket: string): Permissions {
  const stream = `KV_${bucket}`;
  return {
    publish: {
      allow: [
        "$JS.API.INFO",
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.INFO.${stream}.>`,
        `$JS.API.CONSUMER.DELETE.${stream}.>`,
        // Ordered consumers answer flow-control requests on these subjects.
        `$JS.FC.${stream}.>`,
      ],
    },
    subscribe: { allow: ["_INBOX.>"] },
  };
}

/** The responder reads callout requests and answers them (allow_responses), nothing else. */
export const CALLOUT_RESPONDER_PERMISSIONS: Permissions = {
  publish: { allow: [CALLOUT_SERVICE_SUBJECTS] },
  subscribe: { allow: ["$SYS.REQ.USER.AUTH", CALLOUT_SERVICE_SUBJECTS] },
  allow_responses: true,
};

/** Kicking a connection is the one system request the dashboard makes. */
export const KICK_ONLY_PERMISSIONS: Permissions = {
  publish: { allow: ["$SYS.REQ.SERVER.*.KICK"] },
  subscribe: { allow: ["_INBOX.>"] },
};

type ConnectionType = "STANDARD" | "WEBSOCKET";

type NatsUser = (
  | { user: string; password: string }
  | {
      nkey: string;
    }
) & { permissions?: Permissions; allowed_connection_types: ConnectionType[] };

const publicUserKey = (seed: string): string =>
  fromSeed(new TextEncoder().encode(seed)).getPublicKey();

export interface NatsAuthConfig {
  accounts: Record<string, { users: NatsUser[] }>;
  system_account: string;
  authorization: {
    users: NatsUser[];
    auth_callout: {
      issuer: string;
      account: string;
      auth_users: string[];
      xkey: string;
    };
  };
  no_auth_user: string;
}

export function natsAuthConfig(secrets: NatsSecrets): NatsAuthConfig {
  const keys = {
    service: publicUserKey(secrets.users.service),
    dashboard: publicUserKey(secrets.users.dashboard),
    callout: publicUserKey(secrets.users.callout),
    system: publicUserKey(secrets.users.system),
  };
  const tcpOnly: ConnectionType[] = ["STANDARD"];
  return {
    accounts: {
      [SYSTEM_ACCOUNT]: {
        users: [
          {
            nkey: keys.system,
            permissions: KICK_ONLY_PERMISSIONS,
            allowed_connection_types: tcpOnly,
          },
        ],
      },
    },
    system_account: SYSTEM_ACCOUNT,
    authorization: {
      users: [
        // Loopback TCP only: an anonymous websocket client maps to this user and is refused.
        {
          user: SERVICE_USER,
          password: secrets.servicePassword,
          allowed_connection_types: tcpOnly,
        },
        { nkey: keys.service, allowed_connection_types: tcpOnly },
        {
          nkey: keys.dashboard,
          permissions: kvReadOnlyPermissions(BUCKET_AGENT_STATUS),
          allowed_connection_types: tcpOnly,
        },
        {
          nkey: keys.callout,
          permissions: CALLOUT_RESPONDER_PERMISSIONS,
          allowed_connection_types: tcpOnly,
        },
      ],
      auth_callout: {
        issuer: fromSeed(new TextEncoder().encode(secrets.calloutIssuer)).getPublicKey(),
        account: GLOBAL_ACCOUNT,
        // Everyone above bypasses the callout; every other client goes through it.
        auth_users: [SERVICE_USER, keys.service, keys.dashboard, keys.callout, keys.system],
        xkey: fromCurveSeed(new TextEncoder().encode(secrets.calloutXkey)).getPublicKey(),
      },
    },
    // Loopback clients without credentials (operator, agents, tests) act as the service user.
    no_auth_user: SERVICE_USER,
  };
}
