// For integration tests and the demo: the identity service started
// in-process against the local platform (its NATS credentials and callout
// keys, its IdP, its API server as the Device registry), plus what plays the
// dashboard's part: the ticket signing key and publishing session verdicts.
// With `enrollment`, it also runs the registrar (the IdP admin's key) and the
// HTTPS enrollment API on loopback, with a certificate from the platform CA.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { BROWSER_AUTH_SESSIONS_SUBJECT, type SessionVerdict } from "@fleet/contracts";
import { enrollmentTls, enrollmentUrl, layoutFor, readPlatformEnv } from "@fleet/local-platform";
import {
  freePort,
  kubeConfigFor,
  platformConnection,
  waitUntil,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { idpMachineUsers, readPrivateKeyFile } from "@fleet/provisioning";
import { silentLogger, type Logger } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { KubernetesPolicySource, type PolicySource } from "../policy/index.js";
import type { EnrollmentOptions } from "../enrollment/enrollment-service.js";
import { startIdentityService, type IdentityService } from "../service.js";

export interface PlatformIdentity {
  service: IdentityService;
  /** The dashboard's ticket signing key (private), for tests that play the dashboard. */
  ticketKey: KeyObject;
  /** Publishes a session verdict as the dashboard does; resolves once the server has it. */
  decide(verdict: SessionVerdict): Promise<void>;
  /** Where devices enroll, when started with `enrollment`. */
  enrollment: PlatformEnrollment | undefined;
  stop(): Promise<void>;
}

export interface PlatformEnrollment {
  /** The enrollment API's base URL (`iot-agent enroll --server`). */
  url: string;
  /** The CA its certificate comes from: PEM file (`--server-ca`) and text. */
  caFile: string;
  ca: string;
}

export interface PlatformIdentityOptions {
  connection?: PlatformConnection;
  /** The Device registry; the platform API server's Devices (as the kube admin) unless given. */
  policies?: PolicySource;
  httpPort?: number;
  deviceJwtMaxLifetimeMs?: number;
  /** A disabled device's connection is closed once drained, or after this long (default 30 s). */
  disableDrainTimeoutMs?: number;
  /** Refetch the IdP's keys when older than this (default 10 minutes). */
  idpKeysMaxAgeMs?: number;
  log?: Logger;
  /**
   * Run enrollment: the registrar and the HTTPS enrollment API (on a free
   * loopback port), acting on Devices and EnrollmentTokens as the kube admin
   * unless `kubeConfig` says otherwise (e.g. the chart's ServiceAccount).
   */
  enrollment?: boolean | { maxStatusPatchesPerSecond?: number; kubeConfig?: KubeConfig };
}

async function enrollmentOptions(
  connection: PlatformConnection,
  settings: { maxStatusPatchesPerSecond?: number; kubeConfig?: KubeConfig },
): Promise<{ options: EnrollmentOptions; enrollment: PlatformEnrollment }> {
  const tls = await enrollmentTls(layoutFor(readPlatformEnv()));
  const url = enrollmentUrl(await freePort());
  const issuerCa = await readFile(connection.oidc.caFile, "utf8");
  return {
    options: {
      kubeConfig: settings.kubeConfig ?? (await kubeConfigFor("admin")),
      idp: idpMachineUsers({
        issuer: connection.oidc.issuer,
        issuerCa,
        adminKey: readPrivateKeyFile(connection.oidc.adminKeyFile),
      }),
      deviceNatsServers: connection.natsUrls,
      server: {
        port: Number(new URL(url).port),
        host: "127.0.0.1",
        tlsCertFile: tls.certFile,
        tlsKeyFile: tls.keyFile,
        publicUrl: url,
      },
      ...(settings.maxStatusPatchesPerSecond === undefined
        ? {}
        : { maxStatusPatchesPerSecond: settings.maxStatusPatchesPerSecond }),
    },
    enrollment: { url, caFile: tls.caFile, ca: await readFile(tls.caFile, "utf8") },
  };
}

export async function startPlatformIdentity(
  options: PlatformIdentityOptions = {},
): Promise<PlatformIdentity> {
  const connection = options.connection ?? (await platformConnection());
  const secrets = connection.natsSecrets;
  // Tests play the dashboard with the private key; the service gets the public half only.
  const ticketKey = createPrivateKey(await readFile(secrets.browserTicketKey));
  const policies =
    options.policies ??
    new KubernetesPolicySource({ kubeConfig: await kubeConfigFor("admin"), log: silentLogger() });
  const enrollment =
    options.enrollment === undefined || options.enrollment === false
      ? undefined
      : await enrollmentOptions(connection, options.enrollment === true ? {} : options.enrollment);
  const service = await startIdentityService({
    nats: {
      servers: connection.natsUrls,
      credentialsFile: secrets.calloutCreds,
      systemCredentialsFile: secrets.systemCreds,
    },
    keyFiles: {
      calloutIssuerSeed: secrets.calloutIssuerSeed,
      calloutXkeySeed: secrets.calloutXkeySeed,
      browserTicketPublicKey: secrets.browserTicketPublicKey,
    },
    idp: {
      issuer: connection.oidc.issuer,
      projectId: connection.oidc.projectId,
      caFile: connection.oidc.caFile,
      ...(options.idpKeysMaxAgeMs === undefined ? {} : { keysMaxAgeMs: options.idpKeysMaxAgeMs }),
    },
    policies,
    ...(options.httpPort === undefined ? {} : { httpPort: options.httpPort }),
    ...(options.deviceJwtMaxLifetimeMs === undefined
      ? {}
      : { deviceJwtMaxLifetimeMs: options.deviceJwtMaxLifetimeMs }),
    ...(options.disableDrainTimeoutMs === undefined
      ? {}
      : { disableDrainTimeoutMs: options.disableDrainTimeoutMs }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(enrollment === undefined ? {} : { enrollment: enrollment.options }),
    name: "iot-identity-test",
  });
  await waitUntil(() => Promise.resolve(service.readiness().ready), {
    what: "identity service ready",
    timeoutMs: 20_000,
  });
  const dashboard = await connect({
    servers: connection.natsUrls,
    authenticator: credsAuthenticator(await readFile(secrets.dashboardCreds)),
    name: "identity-test-dashboard",
  });
  return {
    service,
    ticketKey,
    enrollment: enrollment?.enrollment,
    async decide(verdict) {
      dashboard.publish(BROWSER_AUTH_SESSIONS_SUBJECT, JSON.stringify(verdict));
      await dashboard.flush();
    },
    async stop() {
      await dashboard.close();
      await service.stop();
    },
  };
}

export { accessToken, connectAsDevice, forgedAccessToken } from "./devices.js";
export { signTestTicket, type TestTicketInput } from "./browser-ticket.js";
export {
  deviceKeys,
  enrollmentFixture,
  type DeviceKeys,
  type EnrollmentFixture,
} from "./enrollment.js";
