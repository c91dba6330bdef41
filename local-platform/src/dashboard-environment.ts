// The dashboard's environment (apps/web/src/env.ts) for a running local
// platform: the one place that maps a platform connection onto the dashboard's
// settings, for the demo's launcher (and so the e2e suite), the benchmarks and
// the dashboard's own integration tests.
import { randomBytes } from "node:crypto";
import type { PlatformConnection } from "./connection.js";
import { contextName } from "./kubeconfig.js";

export interface DashboardOverrides {
  logLevel?: string;
  /** Must match the agents' heartbeat period, or devices show offline too early or too late. */
  heartbeatPeriodMs?: number;
  /** Where devices enroll (iot-identity's enrollment API): the Devices page's "Add device" command. */
  enrollment?: { url: string; caFile: string };
}

export function dashboardEnvironment(
  connection: PlatformConnection,
  overrides: DashboardOverrides = {},
): Record<string, string> {
  return {
    KUBECONFIG: connection.kubeconfig,
    // The dashboard's own identity, in no group and bound to nothing: user requests
    // carry the user's own ID token, so it needs no rights (and may not impersonate).
    KUBE_CONTEXT: contextName("dashboard"),
    // Every node of a cluster, comma-separated (the browser's websocket URLs too).
    NATS_URL: connection.natsUrls.join(","),
    // Its own connection may read agent-status only.
    NATS_CREDENTIALS_FILE: connection.natsSecrets.dashboardCreds,
    NATS_WS_URL: connection.natsWebsocketUrls.join(","),
    // It signs browser tickets; the identity service checks them (docs/identity.md).
    LIVE_TICKET_KEY_FILE: connection.natsSecrets.browserTicketKey,
    OIDC_ISSUER: connection.oidc.issuer,
    // The IdP's certificate is from the platform's own CA.
    OIDC_CA_FILE: connection.oidc.caFile,
    OIDC_CLIENT_ID: connection.oidc.clientId,
    OIDC_CLIENT_SECRET: connection.oidc.clientSecret,
    // Device provisioning from the Devices page: the IdP admin's key, the fleet project,
    // and the NATS URL written into credential files (devices here reach the same server).
    ZITADEL_ADMIN_KEY_FILE: connection.oidc.adminKeyFile,
    ZITADEL_PROJECT_ID: connection.oidc.projectId,
    DEVICE_NATS_URL: connection.natsUrls.join(","),
    // A new one per start: sessions of a local dashboard do not outlive it.
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    // "Add device" shows `iot-agent enroll --server <url> --server-ca <platform CA>`; devices
    // here run on this machine, so the CA's path is theirs too.
    ...(overrides.enrollment === undefined
      ? {}
      : {
          ENROLLMENT_URL: overrides.enrollment.url,
          ENROLLMENT_SERVER_CA: overrides.enrollment.caFile,
        }),
    HEARTBEAT_PERIOD_MS: String(overrides.heartbeatPeriodMs ?? 5000),
    LOG_LEVEL: overrides.logLevel ?? "info",
  };
}
