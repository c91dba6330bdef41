// The identity service's environment (apps/identity's settings) for a running
// local platform: the one place that maps a platform connection onto
// iot-identity's settings, for the demo's launcher (and so the e2e suite) and
// the benchmarks. Every secret is a file path, never a value.
import type { PlatformConnection } from "./connection.js";

export function identityEnvironment(
  connection: PlatformConnection,
  httpPort: number,
): Record<string, string> {
  const secrets = connection.natsSecrets;
  return {
    NATS_URL: connection.natsUrl,
    // It answers the callout on its own credential and kicks through the system user.
    NATS_CREDENTIALS_FILE: secrets.calloutCreds,
    NATS_SYSTEM_CREDENTIALS_FILE: secrets.systemCreds,
    NATS_CALLOUT_ISSUER_SEED_FILE: secrets.calloutIssuerSeed,
    NATS_CALLOUT_XKEY_SEED_FILE: secrets.calloutXkeySeed,
    BROWSER_TICKET_PUBLIC_KEY_FILE: secrets.browserTicketPublicKey,
    OIDC_ISSUER: connection.oidc.issuer,
    OIDC_CA_FILE: connection.oidc.caFile,
    ZITADEL_PROJECT_ID: connection.oidc.projectId,
    // The Device registry, read as the kube admin like the operator's CRs.
    KUBECONFIG: connection.kubeconfig,
    HTTP_PORT: String(httpPort),
  };
}
