// Enrollment as part of iot-identity (ADR 0008): the registrar, and, when a
// certificate is configured, the HTTPS enrollment API. Both act on the
// Device registry and EnrollmentTokens with iot-identity's own Kubernetes
// identity, and on the IdP with its admin key.
import { readFileSync } from "node:fs";
import { ENROLLMENT_STATUS_PATH, type IssuedIdentity } from "@fleet/contracts";
import { DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import type { Logger } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Metrics } from "../metrics.js";
import type { MachineIdentities } from "../registrar/issue-identity.js";
import { Registrar } from "../registrar/registrar.js";
import { enroll } from "./enroll.js";
import { enrollmentStatus } from "./enrollment-status.js";
import { startEnrollmentServer, type EnrollmentServer } from "./server.js";
import { tokenUses } from "./token-uses.js";

export interface EnrollmentServerSettings {
  /** 0: any free port. */
  port: number;
  host?: string;
  /** PEM files of the serving certificate (chain) and its key. */
  tlsCertFile: string;
  tlsKeyFile: string;
  /** The https URL devices reach this API at (no trailing /): proofs carry <it>/v1/enrollments/status as audience. */
  publicUrl: string;
}

export interface EnrollmentOptions {
  /** Devices and EnrollmentTokens, as iot-identity. */
  kubeConfig: KubeConfig;
  /** The IdP's management API with the admin key (ZitadelManagement). */
  idp: MachineIdentities;
  /** The NATS servers enrolled devices are told to connect to. */
  deviceNatsServers: string[];
  /** Serve the enrollment API; without it only the registrar runs. */
  server?: EnrollmentServerSettings;
  /** Registrar pacing (tests, very large fleets). */
  maxStatusPatchesPerSecond?: number;
}

export interface FleetIdentityContext {
  issuer: string;
  projectId: string;
  /** PEM of a private CA the issuer's certificate comes from. */
  issuerCa: string | undefined;
}

export interface Enrollment {
  /** The enrollment API's port, when served. */
  port: number | undefined;
  registrar: Registrar;
  stop(): Promise<void>;
}

export async function startEnrollment(
  options: EnrollmentOptions,
  context: FleetIdentityContext,
  log: Logger,
  metrics: Metrics,
): Promise<Enrollment> {
  const devices = DeviceClient.forKubeConfig(options.kubeConfig);
  const registrar = new Registrar({
    devices,
    idp: options.idp,
    log,
    metrics,
    ...(options.maxStatusPatchesPerSecond === undefined
      ? {}
      : { maxPatchesPerSecond: options.maxStatusPatchesPerSecond }),
  });
  let server: EnrollmentServer | undefined;
  const settings = options.server;
  if (settings !== undefined) {
    const tokens = tokenUses(EnrollmentTokenClient.forKubeConfig(options.kubeConfig));
    const fleet: Omit<IssuedIdentity, "userId" | "keyId"> = {
      issuer: context.issuer,
      projectId: context.projectId,
      natsServers: options.deviceNatsServers,
      ...(context.issuerCa === undefined ? {} : { issuerCa: context.issuerCa }),
    };
    const audience = `${settings.publicUrl.replace(/\/+$/, "")}${ENROLLMENT_STATUS_PATH}`;
    server = await startEnrollmentServer({
      port: settings.port,
      ...(settings.host === undefined ? {} : { host: settings.host }),
      tls: {
        cert: readFileSync(settings.tlsCertFile, "utf8"),
        key: readFileSync(settings.tlsKeyFile, "utf8"),
      },
      handlers: {
        enroll: (request) => enroll(request, { tokens, devices, log }),
        status: (request) =>
          enrollmentStatus(request, {
            devices,
            audience,
            fleet,
            cached: (name) => registrar.cached(name),
          }),
      },
      log,
      onAnswer: (route, code) => {
        metrics.enrollmentRequests.inc({ route, code: String(code) });
      },
    });
  }
  registrar.start();
  log.info({ enrollmentPort: server?.port }, "enrollment started (registrar watching Devices)");
  return {
    port: server?.port,
    registrar,
    stop: async () => {
      await server?.close();
      await registrar.stop();
    },
  };
}
