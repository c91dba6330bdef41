// Prometheus metrics, one registry per process, served on /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  reconciles: Counter<"result">;
  errors: Counter<"area">;
  kvWrites: Counter<"op">;
  statusPatches: Counter<"result">;
  deviceStatusPatches: Counter<"result">;
  queueDepth: Gauge;
  aggregationLag: Histogram;
  devicesTracked: Gauge;
  devicesRegistered: Gauge;
  deploymentsTracked: Gauge;
  isLeader: Gauge;
  watchRestarts: Counter<"watch" | "reason">;
  rolloutTransitions: Counter<"phase">;
  rolloutsActive: Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "iot_operator_" });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: "iot_operator_reconciles_total",
      help: "Reconciles of Deployment CRs, by result (synced, unchanged, deleted, invalid, error).",
      labelNames: ["result"],
      registers,
    }),
    errors: new Counter({
      name: "iot_operator_errors_total",
      help: "Errors by area (reconcile, kube-watch, status-watch, status-patch, lease, nats).",
      labelNames: ["area"],
      registers,
    }),
    kvWrites: new Counter({
      name: "iot_operator_kv_writes_total",
      help: "Writes to the desired-state bucket, by operation (put, delete).",
      labelNames: ["op"],
      registers,
    }),
    statusPatches: new Counter({
      name: "iot_operator_status_patches_total",
      help: "Status subresource patches, by result (ok, error, gone).",
      labelNames: ["result"],
      registers,
    }),
    deviceStatusPatches: new Counter({
      name: "iot_operator_device_status_patches_total",
      help: "Device status patches (connectivity, version, inventory transitions), by result (ok, error, gone, rejected).",
      labelNames: ["result"],
      registers,
    }),
    queueDepth: new Gauge({
      name: "iot_operator_queue_depth",
      help: "Deployment keys waiting in the reconcile queue.",
      registers,
    }),
    aggregationLag: new Histogram({
      name: "iot_operator_aggregation_lag_seconds",
      help: "From a device status change arriving to the CR status patch that reflects it.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10],
      registers,
    }),
    devicesTracked: new Gauge({
      name: "iot_operator_devices_tracked",
      help: "Devices whose latest heartbeat is held in memory.",
      registers,
    }),
    devicesRegistered: new Gauge({
      name: "iot_operator_devices_registered",
      help: "Device CRs held (as a small projection) for targeting.",
      registers,
    }),
    deploymentsTracked: new Gauge({
      name: "iot_operator_deployments_tracked",
      help: "Deployment CRs whose status this replica aggregates.",
      registers,
    }),
    isLeader: new Gauge({
      name: "iot_operator_is_leader",
      help: "1 while this replica holds the leader Lease.",
      registers,
    }),
    watchRestarts: new Counter({
      name: "iot_operator_watch_restarts_total",
      help: "Watch restarts, by watch (deployments, devices, agent-status) and reason.",
      labelNames: ["watch", "reason"],
      registers,
    }),
    rolloutTransitions: new Counter({
      name: "iot_operator_rollout_transitions_total",
      help: "Rollout transitions recorded in a CR's status.rollout (a batch started, a new revision, completion, rollback, halt), by the phase entered.",
      labelNames: ["phase"],
      registers,
    }),
    rolloutsActive: new Gauge({
      name: "iot_operator_rollouts_active",
      help: "Deployments whose rollout is neither Completed nor RolledBack (progressing, waiting for approval, paused or halted).",
      registers,
    }),
  };
}
