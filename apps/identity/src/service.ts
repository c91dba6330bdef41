// The identity service, in-process: answers the auth callout for devices and
// browsers, closes the live connections that a Device change or a session
// verdict no longer allows, serves /healthz, /readyz and /metrics and, when
// configured, enrollment (the HTTPS enrollment API and the registrar).
// main.ts runs it as iot-identity; tests and the demo start it directly.
import { KeptConnection, type NatsHealth } from "@fleet/nats";
import {
  silentLogger,
  startHttpServer,
  type HttpServer,
  type Logger,
  type Readiness,
} from "@fleet/runtime";
import { readFileSync } from "node:fs";
import { SessionVerdicts } from "./browser/session-verdicts.js";
import { listenForVerdicts } from "./browser/verdict-listener.js";
import { authorize } from "./callout/authorize.js";
import { listenForCallouts } from "./callout/responder.js";
import { AccessTokenVerifier } from "./device/access-token.js";
import { deviceUserName } from "./device/admit-device.js";
import {
  startEnrollment,
  type Enrollment,
  type EnrollmentOptions,
} from "./enrollment/enrollment-service.js";
import { loadServiceKeys, type KeyFiles } from "./keys.js";
import { createMetrics, type Metrics } from "./metrics.js";
import type { PolicySource } from "./policy/index.js";
import { DEFAULT_DISABLE_DRAIN_TIMEOUT_MS, DisableDrain } from "./revocation/disable-drain.js";
import { Revoker } from "./revocation/revoker.js";

export interface IdentityServiceOptions {
  nats: {
    servers: string[];
    /** The service's own .creds (an auth_callout.auth_users member). */
    credentialsFile: string;
    /** System-account .creds that may look up (PING.CONNZ) and kick connections. */
    systemCredentialsFile: string;
    /** The account callers are placed in; `$G` (config mode) unless set. */
    account?: string;
  };
  keyFiles: KeyFiles;
  idp: {
    issuer: string;
    projectId: string;
    /** A private CA (PEM file) the IdP's certificate is issued by. */
    caFile?: string | undefined;
    /** Refetch the IdP's keys when older than this (default 10 minutes). */
    keysMaxAgeMs?: number;
  };
  /** The Device registry; the service starts and stops it. */
  policies: PolicySource;
  /** A device's user JWT expires at the latest this long after connecting (default 1 h). */
  deviceJwtMaxLifetimeMs?: number;
  /**
   * A disabled device's live connection is closed once its workloads are
   * removed (its status says so), or after this long at the latest (default 30 s).
   */
  disableDrainTimeoutMs?: number;
  /** Serve /healthz, /readyz and /metrics on this port (0: any free one); none when unset. */
  httpPort?: number;
  log?: Logger;
  /** The connections' names in nats-server (connz); iot-identity unless set. */
  name?: string;
  /** Enrollment (ADR 0008): the registrar, and the HTTPS enrollment API when it has a certificate. Off when unset. */
  enrollment?: EnrollmentOptions;
}

export interface IdentityService {
  /** Ready when it answers the callout and can kick; otherwise why not. */
  readiness(): Readiness;
  /** The port of /healthz, /readyz and /metrics, when served. */
  httpPort: number | undefined;
  /** The port of the HTTPS enrollment API, when served. */
  enrollmentPort: number | undefined;
  metrics: Metrics;
  stop(): Promise<void>;
}

const DEFAULT_DEVICE_JWT_MAX_LIFETIME_MS = 3600_000;

export async function startIdentityService(
  options: IdentityServiceOptions,
): Promise<IdentityService> {
  const log = options.log ?? silentLogger();
  const name = options.name ?? "iot-identity";
  const keys = loadServiceKeys(options.keyFiles);
  const metrics = createMetrics();
  const verdicts = new SessionVerdicts();
  const { policies } = options;
  const issuerCa =
    options.idp.caFile === undefined ? undefined : readFileSync(options.idp.caFile, "utf8");
  const verifier = new AccessTokenVerifier({
    issuer: options.idp.issuer,
    projectId: options.idp.projectId,
    issuerCa,
    ...(options.idp.keysMaxAgeMs === undefined ? {} : { keysMaxAgeMs: options.idp.keysMaxAgeMs }),
  });
  const authorizeOptions = {
    idpIssuer: options.idp.issuer,
    device: {
      verifier,
      policies,
      maxLifetimeMs: options.deviceJwtMaxLifetimeMs ?? DEFAULT_DEVICE_JWT_MAX_LIFETIME_MS,
    },
    browser: { ticketPublicKey: keys.ticketPublicKey, verdicts },
  };

  const system = new KeptConnection(
    {
      name: `${name}-system`,
      servers: options.nats.servers,
      credentialsFile: options.nats.systemCredentialsFile,
      log,
    },
    () => Promise.resolve(),
  );
  const revoker = new Revoker(() => system.connection(), log, metrics);
  const responder = new KeptConnection(
    {
      name,
      servers: options.nats.servers,
      credentialsFile: options.nats.credentialsFile,
      log,
    },
    async (nc) => {
      listenForCallouts(nc, {
        keys,
        account: options.nats.account ?? "$G",
        decide: (request, now) => authorize(request, authorizeOptions, now),
        metrics,
        log,
      });
      listenForVerdicts(nc, {
        verdicts,
        revoke: (user) => {
          revoker.revoke(user);
        },
        metrics,
        log,
      });
      // Both subscriptions are in place before the service reports itself up.
      await nc.flush();
    },
  );

  const drain = new DisableDrain(
    (deviceId) => {
      revoker.revoke(deviceUserName(deviceId));
    },
    options.disableDrainTimeoutMs ?? DEFAULT_DISABLE_DRAIN_TIMEOUT_MS,
    log,
    (event) => {
      metrics.disableDrains.inc({ event });
    },
  );
  const unsubscribe = policies.onChange((policy) => {
    drain.observe(policy);
  });
  let registry: NatsHealth = { up: false, reason: "device registry starting" };
  void policies.start().then(
    () => {
      registry = { up: true, reason: "device registry watched" };
    },
    (error: unknown) => {
      registry = { up: false, reason: `device registry failed: ${String(error)}` };
      log.error({ err: error }, "the device registry could not start; devices are refused");
    },
  );
  // Before the first device asks, so a replica that has verified no token yet still
  // knows the IdP's keys when the IdP goes away later.
  void verifier.prefetchKeys().then(
    () => {
      log.info({ issuer: options.idp.issuer }, "IdP keys fetched");
    },
    (error: unknown) => {
      log.warn(
        { issuer: options.idp.issuer, err: String(error) },
        "cannot fetch the IdP's keys yet; they are fetched with the first device token",
      );
    },
  );
  system.start();
  responder.start();

  const readiness = (): Readiness => {
    const parts: [string, NatsHealth][] = [
      ["callout", responder.health()],
      ["kicks", system.health()],
      ["registry", registry],
    ];
    const down = parts.filter(([, health]) => !health.up);
    if (down.length === 0) return { ready: true, state: "answering" };
    return {
      ready: false,
      state: down.map(([part]) => `${part}-down`).join(","),
      reason: down.map(([part, health]) => `${part}: ${health.reason}`).join("; "),
    };
  };
  let enrollment: Enrollment | undefined;
  let http: HttpServer | undefined;
  const stop = async (): Promise<void> => {
    await enrollment?.stop();
    unsubscribe();
    drain.stop();
    revoker.stop();
    await Promise.all([responder.stop(), system.stop()]);
    // Not waiting for its start: with the API server down that may never finish.
    await policies.stop();
    await http?.close();
  };
  try {
    if (options.enrollment !== undefined)
      enrollment = await startEnrollment(
        options.enrollment,
        { issuer: options.idp.issuer, projectId: options.idp.projectId, issuerCa },
        log,
        metrics,
      );
    if (options.httpPort !== undefined)
      http = await startHttpServer({
        port: options.httpPort,
        registry: metrics.registry,
        readiness,
      });
  } catch (error) {
    // A port in use, an unreadable certificate: stop what already runs before failing.
    await stop();
    throw error;
  }
  log.info(
    { servers: options.nats.servers, httpPort: http?.port, enrollmentPort: enrollment?.port },
    "identity service started",
  );

  return {
    readiness,
    httpPort: http?.port,
    enrollmentPort: enrollment?.port,
    metrics,
    stop: async () => {
      await stop();
      log.info("identity service stopped");
    },
  };
}
