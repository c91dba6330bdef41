// Prometheus metrics of the identity service, one registry per service, on /metrics.
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  /** Every callout request: kind (device, browser, unknown), result, refusal reason. */
  callouts: Counter<"kind" | "result" | "reason">;
  calloutDuration: Histogram<"kind" | "result">;
  /** Connections closed by revocation (disabled device, ended session), by result. */
  kicks: Counter<"result">;
  /** Browser session verdicts heard from the dashboard. */
  verdictsReceived: Counter<"result">;
  /** Enrollment API answers, by route (enroll, status) and HTTP status code. */
  enrollmentRequests: Counter<"route" | "code">;
  /** The registrar's work: identities issued (or failed), Device status patches. */
  registrar: Counter<"action" | "result">;
  /** Disabled devices' drains: started, and how each ended (drained, timed-out, cancelled). */
  disableDrains: Counter<"event">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "identity_" });
  const registers = [registry];
  return {
    registry,
    callouts: new Counter({
      name: "identity_callout_total",
      help: "Auth-callout requests by caller kind (device, browser, unknown), result (admitted, refused, unanswerable, error) and refusal reason.",
      labelNames: ["kind", "result", "reason"],
      registers,
    }),
    calloutDuration: new Histogram({
      name: "identity_callout_duration_seconds",
      help: "From receiving an auth-callout request to sending the answer, by caller kind and result.",
      labelNames: ["kind", "result"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    kicks: new Counter({
      name: "identity_revocation_kicks_total",
      help: "Live connections closed by revocation, by result (kicked, failed).",
      labelNames: ["result"],
      registers,
    }),
    verdictsReceived: new Counter({
      name: "identity_session_verdicts_total",
      help: "Browser session verdicts received from the dashboard, by result (applied, malformed).",
      labelNames: ["result"],
      registers,
    }),
    enrollmentRequests: new Counter({
      name: "identity_enrollment_requests_total",
      help: "Enrollment API answers by route (enroll, status, unknown) and HTTP status code.",
      labelNames: ["route", "code"],
      registers,
    }),
    registrar: new Counter({
      name: "identity_registrar_actions_total",
      help: "The registrar's writes by action (issue: an approved device's identity; status: a Device status patch) and result (done, failed).",
      labelNames: ["action", "result"],
      registers,
    }),
    disableDrains: new Counter({
      name: "identity_disable_drains_total",
      help: "Disabled devices whose connection waits for their workloads to go: started, then drained (kicked), timed-out (kicked with workloads still reported) or cancelled (enabled again).",
      labelNames: ["event"],
      registers,
    }),
  };
}
