// The operator's configuration: flags > env > defaults, validated with zod.
// A wrong value fails before anything connects, with a message naming it.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { namespaceNameSchema, natsServersSchema, offlineAfterMs } from "@fleet/contracts";
import { z } from "zod";
import { durationSchema, formatDuration } from "./duration.js";
import type { OperatorEnv } from "./env.js";
import { ConfigError } from "./errors.js";
import { LOG_LEVELS, type LogLevel } from "./logger.js";
import { resolveSettings, type Setting } from "./settings.js";

const portSchema = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole port number")
  .min(0, "must be a port from 0 (any free port) to 65535")
  .max(65535, "must be a port from 0 (any free port) to 65535");

/**
 * A NATS .creds file this process can read now (a mounted Secret), with the
 * two blocks `nsc` writes; checked before anything connects.
 */
const natsCredsFileSchema = z
  .string()
  .min(1, "must not be empty")
  .superRefine((path, ctx) => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      ctx.addIssue({ code: "custom", message: `cannot read this file (${code})` });
      return;
    }
    if (!/BEGIN NATS USER JWT/.test(text) || !/BEGIN USER NKEY SEED/.test(text))
      ctx.addIssue({
        code: "custom",
        message: "is not a NATS .creds file (it needs a USER JWT and a USER NKEY SEED block)",
      });
  });

const minDuration = (minMs: number) =>
  durationSchema.pipe(z.number().min(minMs, `must be at least ${formatDuration(minMs)}`));

const logLevelSchema = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` });
const text = z.string().min(1, "must not be empty");

const common = {
  kubeconfig: { flag: "kubeconfig", env: "KUBECONFIG", schema: text },
  logLevel: { flag: "log-level", env: "LOG_LEVEL", schema: logLevelSchema, fallback: "info" },
} satisfies Record<string, Setting<z.ZodType>>;

const runSettings = {
  ...common,
  natsUrl: {
    flag: "nats-url",
    env: "NATS_URL",
    schema: natsServersSchema,
    fallback: "nats://127.0.0.1:4222",
  },
  natsCredentials: {
    flag: "nats-credentials",
    env: "NATS_CREDENTIALS_FILE",
    schema: natsCredsFileSchema,
  },
  namespace: { flag: "namespace", env: "WATCH_NAMESPACE", schema: namespaceNameSchema },
  httpPort: { flag: "http-port", env: "HTTP_PORT", schema: portSchema, fallback: "8080" },
  heartbeatPeriod: {
    flag: "heartbeat-period",
    env: "HEARTBEAT_PERIOD",
    schema: minDuration(100),
    fallback: "5s",
  },
  stalenessWindow: { flag: "staleness-window", env: "STALENESS_WINDOW", schema: minDuration(100) },
  statusFlushPeriod: {
    flag: "status-flush-period",
    env: "STATUS_FLUSH_PERIOD",
    schema: minDuration(100),
    fallback: "1s",
  },
  resyncPeriod: {
    flag: "resync-period",
    env: "RESYNC_PERIOD",
    schema: minDuration(1000),
    fallback: "5m",
  },
  leaseNamespace: {
    flag: "lease-namespace",
    env: "LEASE_NAMESPACE",
    schema: namespaceNameSchema,
    fallback: "default",
  },
  leaseName: {
    flag: "lease-name",
    env: "LEASE_NAME",
    schema: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS-1123 name"),
    fallback: "iot-operator-leader",
  },
  leaseDuration: {
    flag: "lease-duration",
    env: "LEASE_DURATION",
    schema: minDuration(1000),
    fallback: "15s",
  },
  leaseRenewPeriod: {
    flag: "lease-renew-period",
    env: "LEASE_RENEW_PERIOD",
    schema: minDuration(100),
    fallback: "2s",
  },
  identity: { flag: "identity", env: "POD_NAME", schema: text },
} satisfies Record<string, Setting<z.ZodType>>;

const installSettings = {
  ...common,
  timeout: { flag: "timeout", schema: minDuration(1000), fallback: "60s" },
} satisfies Record<string, Setting<z.ZodType>>;

export interface KubeSource {
  /** Path of a kubeconfig file; undefined means in-cluster or the client's default. */
  kubeconfig: string | undefined;
  inCluster: boolean;
}

export interface RunConfig extends KubeSource {
  logLevel: LogLevel;
  natsServers: string[];
  /** A NATS .creds file (JWT + nkey seed), re-read on every reconnect; undefined: anonymous. */
  natsCredentialsFile: string | undefined;
  /** Watch only this namespace; undefined means all namespaces. */
  namespace: string | undefined;
  httpPort: number;
  heartbeatPeriodMs: number;
  stalenessWindowMs: number;
  statusFlushPeriodMs: number;
  resyncPeriodMs: number;
  lease: {
    namespace: string;
    name: string;
    identity: string;
    durationMs: number;
    renewPeriodMs: number;
  };
}

export interface InstallConfig extends KubeSource {
  logLevel: LogLevel;
  timeoutMs: number;
}

/** Values are required here only because their settings have fallbacks. */
function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`missing setting ${name}`);
  return value;
}

export function runConfig(flags: Record<string, unknown>, env: OperatorEnv): RunConfig {
  const v = resolveSettings(runSettings, flags, env);
  const heartbeatPeriodMs = required(v.heartbeatPeriod, "heartbeat-period");
  const stalenessWindowMs = v.stalenessWindow ?? offlineAfterMs(heartbeatPeriodMs);
  const durationMs = required(v.leaseDuration, "lease-duration");
  const renewPeriodMs = required(v.leaseRenewPeriod, "lease-renew-period");
  const problems: string[] = [];
  if (stalenessWindowMs < heartbeatPeriodMs) {
    problems.push(
      `--staleness-window (${formatDuration(stalenessWindowMs)}) must be at least --heartbeat-period (${formatDuration(heartbeatPeriodMs)}), or every device would flap to unreported`,
    );
  }
  if (renewPeriodMs * 2 > durationMs) {
    problems.push(
      `--lease-renew-period (${formatDuration(renewPeriodMs)}) must be at most half of --lease-duration (${formatDuration(durationMs)}), so a renewal can fail once without losing the lease`,
    );
  }
  if (problems.length > 0)
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return {
    logLevel: required(v.logLevel, "log-level"),
    kubeconfig: v.kubeconfig,
    inCluster: v.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
    natsServers: required(v.natsUrl, "nats-url"),
    natsCredentialsFile: v.natsCredentials,
    namespace: v.namespace,
    httpPort: required(v.httpPort, "http-port"),
    heartbeatPeriodMs,
    stalenessWindowMs,
    statusFlushPeriodMs: required(v.statusFlushPeriod, "status-flush-period"),
    resyncPeriodMs: required(v.resyncPeriod, "resync-period"),
    lease: {
      namespace: required(v.leaseNamespace, "lease-namespace"),
      name: required(v.leaseName, "lease-name"),
      identity: v.identity ?? `${hostname()}-${process.pid}`,
      durationMs,
      renewPeriodMs,
    },
  };
}

export function installConfig(flags: Record<string, unknown>, env: OperatorEnv): InstallConfig {
  const v = resolveSettings(installSettings, flags, env);
  return {
    logLevel: required(v.logLevel, "log-level"),
    kubeconfig: v.kubeconfig,
    inCluster: v.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
    timeoutMs: required(v.timeout, "timeout"),
  };
}

/** Where `apply` finds the cluster: --kubeconfig, KUBECONFIG, in-cluster, or the default lookup. */
export function applyKubeConfig(flags: { kubeconfig?: string }, env: OperatorEnv): KubeSource {
  const kubeconfig = flags.kubeconfig ?? env.KUBECONFIG;
  return {
    kubeconfig,
    inCluster: kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
  };
}
