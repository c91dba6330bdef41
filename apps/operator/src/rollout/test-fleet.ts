// A pretend fleet for the planner's unit tests: what each device holds, what
// its agent last reported, and whether it is online. Pure data (the planner is
// pure); no stand-in for NATS or Kubernetes.
import {
  rolloutSpecSchema,
  type DeploymentPhase,
  type RolloutCommands,
  type RolloutSpecInput,
  type RolloutSpec,
  type RolloutStatus,
} from "@fleet/contracts";
import type { DeviceRolloutReport, RolloutDecision, RolloutInputs } from "./plan.js";

export const T0 = Date.parse("2026-01-01T00:00:00Z");

export const rolloutSpec = (input: RolloutSpecInput): RolloutSpec => rolloutSpecSchema.parse(input);

export type Outcome = DeploymentPhase | { phase: DeploymentPhase; error: string };

export class TestFleet {
  devices: string[];
  readonly held = new Map<string, number>();
  readonly reports = new Map<string, DeviceRolloutReport>();
  readonly labels = new Map<string, Record<string, string>>();
  readonly offline = new Set<string>();

  constructor(count: number, prefix = "dev") {
    this.devices = Array.from(
      { length: count },
      (_, i) => `${prefix}-${String(i).padStart(3, "0")}`,
    );
  }

  /** Every device holds and runs `revision` (an earlier rollout finished). */
  settle(revision: number): this {
    for (const device of this.devices) this.held.set(device, revision);
    this.agentsReport(T0);
    return this;
  }

  /** Each online device's agent reports on the revision it holds; `outcome` picks the phase. */
  agentsReport(
    nowMs: number,
    outcome: (device: string, revision: number) => Outcome = () => "Running",
    reportsRevision = true,
  ): void {
    for (const device of this.devices) {
      if (this.offline.has(device)) {
        const last = this.reports.get(device);
        if (last !== undefined) this.reports.set(device, { ...last, fresh: false });
        continue;
      }
      const revision = this.held.get(device);
      if (revision === undefined) {
        this.reports.delete(device);
        continue;
      }
      const result = outcome(device, revision);
      const phase = typeof result === "string" ? result : result.phase;
      this.reports.set(device, {
        fresh: true,
        revision: reportsRevision ? revision : undefined,
        phase,
        lastError: typeof result === "string" ? undefined : result.error,
        at: new Date(nowMs).toISOString(),
      });
    }
  }

  /** Writes what the planner decided (the operator's KV puts). */
  apply(decision: RolloutDecision): void {
    for (const device of this.devices) {
      const revision = decision.assignment(device);
      if (revision === undefined) this.held.delete(device);
      else this.held.set(device, revision);
    }
  }

  inputs(options: {
    spec: RolloutSpec | undefined;
    revision: number;
    hash?: string;
    previous: RolloutStatus | undefined;
    nowMs: number;
    commands?: Partial<RolloutCommands>;
  }): RolloutInputs {
    return {
      spec: options.spec,
      target: { revision: options.revision, hash: options.hash ?? `hash-${options.revision}` },
      devices: this.devices,
      labelsOf: (device) => this.labels.get(device),
      held: (device) => this.held.get(device),
      report: (device) => this.reports.get(device),
      commands: { approved: undefined, rollback: undefined, ...options.commands },
      previous: options.previous,
      nowMs: options.nowMs,
    };
  }

  /** Devices of `list` holding `revision` per the decision. */
  holding(
    decision: RolloutDecision,
    revision: number,
    list: readonly string[] = this.devices,
  ): string[] {
    return list.filter((device) => decision.assignment(device) === revision);
  }
}

/** A completed rollout of `revision` as the CR would record it. */
export function completedStatus(revision: number, devices: number): RolloutStatus {
  return {
    revision,
    stableRevision: revision,
    phase: "Completed",
    currentBatch: 1,
    totalBatches: 1,
    batches: [
      {
        state: "Succeeded",
        devices,
        updated: devices,
        failed: 0,
        deferred: 0,
        startedAt: "2025-12-31T00:00:00Z",
        finishedAt: "2025-12-31T00:00:00Z",
      },
    ],
    message: `rollout of revision ${revision} completed`,
  };
}
