#!/usr/bin/env -S npx tsx
// iot-identity: validate the configuration and keys before touching anything
// (exit 2 with every problem named), then answer the auth callout (and, with
// the IdP admin key, run enrollment) until SIGTERM/SIGINT.
import { readFileSync } from "node:fs";
import type { ZitadelKey } from "@fleet/contracts";
import { idpMachineUsers } from "@fleet/provisioning";
import { createLogger, isConfigError } from "@fleet/runtime";
import { KubeConfig } from "@kubernetes/client-node";
import { CommanderError } from "commander";
import { parseArgs } from "./cli.js";
import { loadConfig } from "./config/load.js";
import type { IdentityConfig } from "./config/settings.js";
import type { EnrollmentOptions } from "./enrollment/enrollment-service.js";
import { readEnv } from "./env.js";
import { KubernetesPolicySource } from "./policy/index.js";
import { startIdentityService, type IdentityService } from "./service.js";

const EXIT_CONFIG = 2;

/** The registrar with the IdP admin's key, and the enrollment API when its certificate is set. */
function enrollmentOptions(
  config: IdentityConfig,
  adminKey: ZitadelKey,
  kubeConfig: KubeConfig,
): EnrollmentOptions {
  const { enrollmentTlsCert, enrollmentTlsKey, enrollmentPublicUrl } = config;
  return {
    kubeConfig,
    idp: idpMachineUsers({
      issuer: config.idpIssuer,
      issuerCa: config.idpCaFile === undefined ? undefined : readFileSync(config.idpCaFile, "utf8"),
      adminKey,
    }),
    deviceNatsServers: config.deviceNatsServers ?? config.natsServers,
    // loadConfig has checked that these come all together.
    ...(enrollmentTlsCert === undefined ||
    enrollmentTlsKey === undefined ||
    enrollmentPublicUrl === undefined
      ? {}
      : {
          server: {
            port: config.enrollmentPort,
            tlsCertFile: enrollmentTlsCert,
            tlsKeyFile: enrollmentTlsKey,
            publicUrl: enrollmentPublicUrl,
          },
        }),
  };
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

async function main(): Promise<number> {
  let config;
  try {
    config = await loadConfig(parseArgs(process.argv.slice(2), readEnv()));
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // --help, unknown flag
    process.stderr.write(`iot-identity: ${messageOf(error)}\n`);
    return EXIT_CONFIG;
  }
  const log = createLogger({ level: config.logLevel, name: "iot-identity" });
  const kubeConfig = new KubeConfig();
  // Without --kubeconfig: KUBECONFIG, ~/.kube/config, then the pod's service account.
  if (config.kubeconfig === undefined) kubeConfig.loadFromDefault();
  else kubeConfig.loadFromFile(config.kubeconfig);
  let service: IdentityService;
  try {
    service = await startIdentityService({
      nats: {
        servers: config.natsServers,
        credentialsFile: config.natsCredentials,
        systemCredentialsFile: config.systemCredentials,
        account: config.calloutAccount,
      },
      keyFiles: {
        calloutIssuerSeed: config.calloutIssuerSeed,
        calloutXkeySeed: config.calloutXkeySeed,
        browserTicketPublicKey: config.browserTicketPublicKey,
      },
      idp: { issuer: config.idpIssuer, projectId: config.idpProjectId, caFile: config.idpCaFile },
      policies: new KubernetesPolicySource({ kubeConfig, log }),
      deviceJwtMaxLifetimeMs: config.deviceJwtMaxLifetimeSeconds * 1000,
      disableDrainTimeoutMs: config.disableDrainTimeoutMs,
      httpPort: config.httpPort,
      log,
      ...(config.idpAdminKey === undefined
        ? {}
        : { enrollment: enrollmentOptions(config, config.idpAdminKey, kubeConfig) }),
    });
  } catch (error) {
    // A key file of the wrong kind is a configuration error too.
    if (!isConfigError(error)) throw error;
    process.stderr.write(`iot-identity: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      log.info({ signal }, "signal received");
      resolve();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  await service.stop();
  return 0;
}

main().then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `iot-identity: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
