// The identity service's environment (apps/identity's settings) for a running
// local platform: the one place that maps a platform connection onto
// iot-identity's settings, for the demo's launcher (and so the e2e suite) and
// the benchmarks. Every secret is a file path, never a value. With
// `enrollment`, it also runs enrollment (ADR 0008): the registrar with the
// IdP admin's key, and the HTTPS enrollment API with a certificate from the
// platform CA (enrollmentTls), on loopback.
import { join } from "node:path";
import { caFiles, ensureServerCertificate } from "./ca.js";
import type { PlatformConnection } from "./connection.js";
import type { Layout } from "./layout.js";

/** The enrollment API's certificate and the CA devices trust it by (`iot-agent enroll --server-ca`). */
export interface EnrollmentTls {
  certFile: string;
  /** Its private key (0600). */
  keyFile: string;
  /** The platform CA (PEM): the same CA the IdP's certificate comes from. */
  caFile: string;
}

/** The enrollment API's serving certificate for 127.0.0.1 and localhost, issued once by the platform CA. */
export async function enrollmentTls(layout: Layout): Promise<EnrollmentTls> {
  const tls = await ensureServerCertificate(layout, {
    dir: join(layout.root, "enrollment", "tls"),
    subject: "fleet enrollment API",
    hosts: ["127.0.0.1", "localhost"],
  });
  return { certFile: tls.cert, keyFile: tls.key, caFile: caFiles(layout).cert };
}

/** The URL devices enroll at, on loopback. */
export const enrollmentUrl = (port: number): string => `https://127.0.0.1:${port}`;

export function identityEnvironment(
  connection: PlatformConnection,
  httpPort: number,
  enrollment?: { port: number; tls: EnrollmentTls },
): Record<string, string> {
  const secrets = connection.natsSecrets;
  return {
    // Every node of a cluster, comma-separated.
    NATS_URL: connection.natsUrls.join(","),
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
    ...(enrollment === undefined
      ? {}
      : {
          // The registrar issues approved devices their identity as the IdP's admin.
          ZITADEL_ADMIN_KEY_FILE: connection.oidc.adminKeyFile,
          DEVICE_NATS_URL: connection.natsUrls.join(","),
          ENROLLMENT_PORT: String(enrollment.port),
          ENROLLMENT_TLS_CERT_FILE: enrollment.tls.certFile,
          ENROLLMENT_TLS_KEY_FILE: enrollment.tls.keyFile,
          ENROLLMENT_PUBLIC_URL: enrollmentUrl(enrollment.port),
        }),
  };
}
