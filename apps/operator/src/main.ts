#!/usr/bin/env -S npx tsx
// iot-operator CLI: `install` applies the CRDs, `run` runs the controller,
// `apply` is the typed applier for Deployment CRs, `device …` provisions,
// approves, labels and revokes devices, `enrollment …` manages the tokens
// devices enroll with, `rollout …` follows and steers staged rollouts.
import { isConfigError, LOG_LEVELS } from "@fleet/runtime";
import { Command, Option } from "commander";
import { applyDeployment, deleteDeployment, printableManifest } from "./apply/apply.js";
import {
  identityFromFlags,
  manifestFromFlags,
  type ApplyFlags,
} from "./apply/manifest-from-flags.js";
import { collect } from "./cli/options.js";
import { applyKubeConfig, installConfig, runConfig } from "./config.js";
import { addDeviceCommands } from "./device/commands.js";
import { deviceFailure } from "./device/failure.js";
import { addEnrollmentCommands } from "./enrollment/commands.js";
import { addRolloutCommands } from "./rollout-cli/commands.js";
import { rolloutFailure } from "./rollout-cli/errors.js";
import { readEnv } from "./env.js";
import { describeError } from "./errors.js";
import { installCrd } from "./install.js";
import { loadKubeConfig } from "./kube/kube-config.js";
import { createLogger } from "./logger.js";
import { runOperator } from "./run.js";

/** Exit code for a configuration error: nothing was started. */
const EXIT_CONFIG = 2;

const program = new Command("iot-operator")
  .description(
    "Turns Deployment CRs into per-device desired state in NATS KV and folds device status back into the CRs.",
  )
  .showHelpAfterError();

const commonOptions = (command: Command): Command =>
  command
    .option(
      "--kubeconfig <path>",
      "kubeconfig file (env KUBECONFIG; default: in-cluster, then ~/.kube/config)",
    )
    .addOption(
      new Option("--log-level <level>", "log level (env LOG_LEVEL; default info)").choices(
        LOG_LEVELS,
      ),
    );

commonOptions(program.command("install"))
  .description(
    "apply the CRDs (Deployment, Device, EnrollmentToken; server-side apply) and wait until each is Established",
  )
  .option("--timeout <duration>", "how long to wait for Established (default 60s)")
  .action(async (flags: Record<string, unknown>) => {
    const config = installConfig(flags, readEnv());
    const log = createLogger(config.logLevel);
    await installCrd(loadKubeConfig(config), log, config.timeoutMs);
  });

commonOptions(program.command("run"))
  .description(
    "watch Deployment CRs, write desired state to NATS KV, aggregate device status into the CRs",
  )
  .option(
    "--nats-url <urls>",
    "NATS server URL(s), comma-separated (env NATS_URL; default nats://127.0.0.1:4222)",
  )
  .option(
    "--nats-credentials <file>",
    "NATS .creds file, re-read on every reconnect (env NATS_CREDENTIALS_FILE; default none)",
  )
  .option("--namespace <namespace>", "watch only this namespace (env WATCH_NAMESPACE; default all)")
  .option(
    "--http-port <port>",
    "port of /healthz, /readyz and /metrics; 0 picks a free one (env HTTP_PORT; default 8080)",
  )
  .option(
    "--heartbeat-period <duration>",
    "agents' heartbeat period (env HEARTBEAT_PERIOD; default 5s)",
  )
  .option(
    "--staleness-window <duration>",
    "heartbeat age after which a device is unreported (env STALENESS_WINDOW; default 3 heartbeat periods)",
  )
  .option(
    "--status-flush-period <duration>",
    "coalescing period of status patches per CR (env STATUS_FLUSH_PERIOD; default 1s)",
  )
  .option(
    "--resync-period <duration>",
    "full relist and KV resync period (env RESYNC_PERIOD; default 5m)",
  )
  .option(
    "--kv-replicas <n>",
    "replicas (1, 3 or 5) of a KV bucket the operator creates; an existing one keeps its own (env KV_REPLICAS; default 1)",
  )
  .option(
    "--lease-namespace <namespace>",
    "namespace of the leader Lease (env LEASE_NAMESPACE; default default)",
  )
  .option(
    "--lease-name <name>",
    "name of the leader Lease (env LEASE_NAME; default iot-operator-leader)",
  )
  .option("--lease-duration <duration>", "leader Lease duration (env LEASE_DURATION; default 15s)")
  .option(
    "--lease-renew-period <duration>",
    "leader Lease renew period (env LEASE_RENEW_PERIOD; default 2s)",
  )
  .option(
    "--identity <id>",
    "this replica's identity in the Lease (env POD_NAME; default <hostname>-<pid>)",
  )
  .action(async (flags: Record<string, unknown>) => {
    const config = runConfig(flags, readEnv());
    const log = createLogger(config.logLevel);
    process.on("unhandledRejection", (reason) => {
      // One bad CR or payload must not take the operator down; log and keep going.
      log.error({ err: describeError(reason) }, "unhandled rejection");
    });
    log.info({ config }, "starting iot-operator");
    await runOperator(config, log);
  });

commonOptions(program.command("apply"))
  .description(
    "create or update a Deployment CR from flags (server-side apply), print it, or delete it",
  )
  .option("--name <name>", "the Deployment's name")
  .option("--namespace <namespace>", "its namespace (default default)")
  .option("--target-device <id>", "a device to run on (repeatable; or --selector)", collect)
  .option(
    "--selector <selector>",
    "the devices to run on by label, kubectl syntax, e.g. 'app=kiosk,region in (eu,us)' (or --target-device)",
  )
  .option("--image <image>", "container image, e.g. localhost/fleet-nginx:1.0")
  .option(
    "--port <host:container>",
    "published port, HOST:CONTAINER[/tcp|/udp] (repeatable)",
    collect,
  )
  .option("--service-name <name>", "name of the service inside the score (default main)")
  .option(
    "--batches <sizes>",
    'staged rollout: batch sizes in order, each a count or a percentage, e.g. "1,25%,50%" (the rest is a final batch)',
  )
  .option(
    "--success-threshold <percent>",
    "rollout: % of a batch's reachable devices that must run the new revision (default 90)",
  )
  .option(
    "--max-unavailable <n|n%>",
    "rollout: most devices of a batch updating at once, a count or a percentage (default: no limit)",
  )
  .option(
    "--batch-timeout <duration>",
    "rollout: time a batch has to pass; devices still updating then count failed (default 30m)",
  )
  .option(
    "--pause-between-batches <duration>",
    "rollout: wait after a batch passes before the next starts (default 0s)",
  )
  .option(
    "--approval <auto|manual>",
    "rollout: manual makes every batch after the first wait for `rollout approve` (default auto)",
  )
  .option(
    "--on-failure <pause|rollback>",
    "rollout: what a failed batch does: halt where it is, or put devices back (default rollback)",
  )
  .option("--print", "print the CR as JSON (for kubectl apply -f -) instead of applying it")
  .option("--delete", "delete the Deployment named by --name/--namespace")
  .action(
    async (flags: ApplyFlags & { print?: boolean; delete?: boolean; kubeconfig?: string }) => {
      if (flags.delete === true) {
        const id = identityFromFlags(flags);
        await deleteDeployment(loadKubeConfig(applyKubeConfig(flags, readEnv())), id);
        process.stdout.write(
          `deployment ${id.namespace}/${id.name} deleted (the operator removes its desired state first)\n`,
        );
        return;
      }
      const manifest = manifestFromFlags(flags);
      if (flags.print === true) {
        process.stdout.write(printableManifest(manifest));
        return;
      }
      const { generation } = await applyDeployment(
        loadKubeConfig(applyKubeConfig(flags, readEnv())),
        manifest,
      );
      process.stdout.write(
        `deployment ${manifest.metadata.namespace}/${manifest.metadata.name} applied (generation ${generation ?? "?"})\n`,
      );
    },
  );

addDeviceCommands(program.command("device"));
addEnrollmentCommands(program.command("enrollment"));
addRolloutCommands(program.command("rollout"));

try {
  await program.parseAsync();
  // Client keep-alive sockets must not keep a finished command alive.
  process.exit(0);
} catch (error) {
  if (isConfigError(error)) {
    process.stderr.write(`iot-operator: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const failure = rolloutFailure(error) ?? deviceFailure(error);
  if (failure !== undefined) {
    process.stderr.write(`iot-operator: ${failure.message}\n`);
    process.exit(failure.exitCode);
  }
  process.stderr.write(
    `iot-operator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
