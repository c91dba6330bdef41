// The operator's configuration: flags > env > defaults, resolved and validated
// by @fleet/runtime. A wrong value fails before anything connects, with a
// message naming it and where it came from.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import {
  durationSchema,
  formatDuration,
  namespaceNameSchema,
  natsServersSchema,
  offlineAfterMs,
} from "@fleet/contracts";
import {
  ConfigError,
  logLevelSchema,
  resolveConfig,
  type ConfigProblem,
  type LogLevel,
  type Setting,
} from "@fleet/runtime";
import { z } from "zod";
import type { OperatorEnv } from "./env.js";

/** A setting whose variable is one env.ts reads. */
type OperatorSetting = Setting & { env?: keyof OperatorEnv };

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

const text = z.string().min(1, "must not be empty");

const common = {
  kubeconfig: { flag: "kubeconfig", env: "KUBECONFIG", schema: text },
  logLevel: { flag: "log-level", env: "LOG_LEVEL", schema: logLevelSchema, default: "info" },
} satisfies Record<string, OperatorSetting>;

const runSettings = {
  ...common,
  natsUrl: {
    flag: "nats-url",
    env: "NATS_URL",
    schema: natsServersSchema,
    default: "nats://127.0.0.1:4222",
  },
  natsCredentials: {
    flag: "nats-credentials",
    env: "NATS_CREDENTIALS_FILE",
    schema: natsCredsFileSchema,
  },
  namespace: { flag: "namespace", env: "WATCH_NAMESPACE", schema: namespaceNameSchema },
  httpPort: { flag: "http-port", env: "HTTP_PORT", schema: portSchema, default: "8080" },
  heartbeatPeriod: {
    flag: "heartbeat-period",
    env: "HEARTBEAT_PERIOD",
    schema: minDuration(100),
    default: "5s",
  },
  stalenessWindow: { flag: "staleness-window", env: "STALENESS_WINDOW", schema: minDuration(100) },
  statusFlushPeriod: {
    flag: "status-flush-period",
    env: "STATUS_FLUSH_PERIOD",
    schema: minDuration(100),
    default: "1s",
  },
  deviceStatusPatchesPerSecond: {
    flag: "device-status-rate",
    env: "DEVICE_STATUS_RATE",
    schema: z.coerce
      .number({ error: "must be a number of patches per second" })
      .int("must be a whole number of patches per second")
      .min(1, "must be at least 1 patch per second")
      .max(1000, "must be at most 1000 patches per second"),
    default: "20",
  },
  lastSeenRefresh: {
    flag: "last-seen-refresh",
    env: "LAST_SEEN_REFRESH",
    schema: minDuration(1000),
    default: "60m",
  },
  resyncPeriod: {
    flag: "resync-period",
    env: "RESYNC_PERIOD",
    schema: minDuration(1000),
    default: "5m",
  },
  kvReplicas: {
    flag: "kv-replicas",
    env: "KV_REPLICAS",
    // JetStream keeps 1, 3 or 5 copies; 3 on a three-server cluster survives the loss of one.
    schema: z.coerce
      .number({ error: "must be a number of replicas" })
      .int("must be a whole number of replicas")
      .refine((n) => [1, 3, 5].includes(n), "must be 1, 3 or 5 replicas"),
    default: "1",
  },
  leaseNamespace: {
    flag: "lease-namespace",
    env: "LEASE_NAMESPACE",
    schema: namespaceNameSchema,
    default: "default",
  },
  leaseName: {
    flag: "lease-name",
    env: "LEASE_NAME",
    schema: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS-1123 name"),
    default: "iot-operator-leader",
  },
  leaseDuration: {
    flag: "lease-duration",
    env: "LEASE_DURATION",
    schema: minDuration(1000),
    default: "15s",
  },
  leaseRenewPeriod: {
    flag: "lease-renew-period",
    env: "LEASE_RENEW_PERIOD",
    schema: minDuration(100),
    default: "2s",
  },
  identity: { flag: "identity", env: "POD_NAME", schema: text },
} satisfies Record<string, OperatorSetting>;

const installSettings = {
  ...common,
  timeout: { flag: "timeout", schema: minDuration(1000), default: "60s" },
} satisfies Record<string, OperatorSetting>;

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
  /** Device status patches (connectivity, version, inventory) allowed per second, over all devices. */
  deviceStatusPatchesPerSecond: number;
  /** While a device stays online, its Device's lastSeenAt is rewritten after this long. */
  lastSeenRefreshMs: number;
  resyncPeriodMs: number;
  /** Replicas of a KV bucket the operator creates; an existing bucket keeps its own. */
  kvReplicas: number;
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

export function runConfig(flags: Record<string, unknown>, env: OperatorEnv): RunConfig {
  const v = resolveConfig(runSettings, { flags, env });
  const heartbeatPeriodMs = v.heartbeatPeriod;
  const stalenessWindowMs = v.stalenessWindow ?? offlineAfterMs(heartbeatPeriodMs);
  const durationMs = v.leaseDuration;
  const renewPeriodMs = v.leaseRenewPeriod;
  // Settings that are each valid but disagree: no single source is to blame.
  const problems: ConfigProblem[] = [];
  if (stalenessWindowMs < heartbeatPeriodMs) {
    problems.push({
      setting: "stalenessWindow",
      source: undefined,
      reason: `--staleness-window (${formatDuration(stalenessWindowMs)}) must be at least --heartbeat-period (${formatDuration(heartbeatPeriodMs)}), or every device would flap to unreported`,
    });
  }
  if (renewPeriodMs * 2 > durationMs) {
    problems.push({
      setting: "leaseRenewPeriod",
      source: undefined,
      reason: `--lease-renew-period (${formatDuration(renewPeriodMs)}) must be at most half of --lease-duration (${formatDuration(durationMs)}), so a renewal can fail once without losing the lease`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    logLevel: v.logLevel,
    kubeconfig: v.kubeconfig,
    inCluster: v.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
    natsServers: v.natsUrl,
    natsCredentialsFile: v.natsCredentials,
    namespace: v.namespace,
    httpPort: v.httpPort,
    heartbeatPeriodMs,
    stalenessWindowMs,
    statusFlushPeriodMs: v.statusFlushPeriod,
    deviceStatusPatchesPerSecond: v.deviceStatusPatchesPerSecond,
    lastSeenRefreshMs: v.lastSeenRefresh,
    resyncPeriodMs: v.resyncPeriod,
    kvReplicas: v.kvReplicas,
    lease: {
      namespace: v.leaseNamespace,
      name: v.leaseName,
      identity: v.identity ?? `${hostname()}-${process.pid}`,
      durationMs,
      renewPeriodMs,
    },
  };
}

export function installConfig(flags: Record<string, unknown>, env: OperatorEnv): InstallConfig {
  const v = resolveConfig(installSettings, { flags, env });
  return {
    logLevel: v.logLevel,
    kubeconfig: v.kubeconfig,
    inCluster: v.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
    timeoutMs: v.timeout,
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
