// Who may use the local platform's NATS, and with which rights. Nothing is
// anonymous, on TCP or websocket: there is no `no_auth_user` and no password.
//
// - Services are nkey users listed in `auth_users`, so the auth callout never
//   sees them, each with its static permissions from contracts
//   (nats-permissions.ts): the operator, the dashboard server, the identity
//   service (the callout responder itself), and a system-account user that may
//   only kick connections. docs/adr/0007-nats-identities.md says why.
// - The platform admin, with every right, exists on the local platform only:
//   tests and tooling seed and inspect KV with it, like the kube admin
//   kubeconfig. Never in the chart.
// - Every other client (devices with an IdP token, browsers with a dashboard
//   ticket) goes through the auth callout: nats-server asks the identity
//   service ($SYS.REQ.USER.AUTH, encrypted with the callout xkey), which answers
//   with a user JWT of that caller's permissions, or refuses.
import {
  dashboardServerPermissions,
  identityServicePermissions,
  kickOnlyPermissions,
  operatorPermissions,
} from "@fleet/contracts";
import { fromCurveSeed, fromSeed } from "@nats-io/nkeys";
import type { NatsSecrets, NatsUserName } from "./nats-secrets.js";
import { serverPermissions, type ServerPermissions } from "./nats-server-permissions.js";

/** The account devices, browsers and services live in. */
export const GLOBAL_ACCOUNT = "$G";
export const SYSTEM_ACCOUNT = "SYS";

type ConnectionType = "STANDARD" | "WEBSOCKET";

interface NatsUser {
  nkey: string;
  /** Absent for the platform admin only: every right. */
  permissions?: ServerPermissions;
  allowed_connection_types: ConnectionType[];
}

export interface NatsAuthConfig {
  accounts: Record<string, { users: NatsUser[] }>;
  system_account: string;
  authorization: {
    /** nats-server's auth timeout, seconds (also the callout's wait and its request's `exp`). */
    timeout: number;
    users: NatsUser[];
    auth_callout: {
      issuer: string;
      account: string;
      auth_users: string[];
      xkey: string;
    };
  };
}

const publicUserKey = (seed: string): string =>
  fromSeed(new TextEncoder().encode(seed)).getPublicKey();

/**
 * nats-server's default auth timeout is 2 s. After a server restart every
 * device comes back at once and the callout answers them one after the other;
 * a 1,000-device burst takes longer than 2 s to answer, so the tail timed out
 * and retried in a new burst (docs/performance.md). 5 s lets the burst drain.
 */
export const AUTH_TIMEOUT_SECONDS = 5;

// Services connect over TCP; websocket is for browsers, and every browser comes through the callout.
const TCP_ONLY: ConnectionType[] = ["STANDARD"];

export function natsAuthConfig(secrets: NatsSecrets): NatsAuthConfig {
  const key = (name: NatsUserName): string => publicUserKey(secrets.users[name]);
  const user = (name: NatsUserName, permissions?: ServerPermissions): NatsUser => ({
    nkey: key(name),
    ...(permissions !== undefined && { permissions }),
    allowed_connection_types: TCP_ONLY,
  });
  return {
    accounts: {
      [SYSTEM_ACCOUNT]: { users: [user("system", serverPermissions(kickOnlyPermissions()))] },
    },
    system_account: SYSTEM_ACCOUNT,
    authorization: {
      timeout: AUTH_TIMEOUT_SECONDS,
      users: [
        user("admin"),
        user("operator", serverPermissions(operatorPermissions())),
        user("dashboard", serverPermissions(dashboardServerPermissions())),
        user("callout", serverPermissions(identityServicePermissions())),
      ],
      auth_callout: {
        issuer: fromSeed(new TextEncoder().encode(secrets.calloutIssuer)).getPublicKey(),
        account: GLOBAL_ACCOUNT,
        // The users above bypass the callout; every other client goes through it.
        auth_users: [
          key("admin"),
          key("operator"),
          key("dashboard"),
          key("callout"),
          key("system"),
        ],
        xkey: fromCurveSeed(new TextEncoder().encode(secrets.calloutXkey)).getPublicKey(),
      },
    },
  };
}
