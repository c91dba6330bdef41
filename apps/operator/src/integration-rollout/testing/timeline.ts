// What a rollout test sees happen, in the order it arrives: every
// desired-state write of one Deployment (which revision each device is given,
// read from the entry the operator wrote) and every change in what the
// fleet's agents report for it in their heartbeats (phase and revision). Both
// are KV watches over the platform admin's one connection, so a heartbeat the
// operator acted on is in the timeline before the write it caused.
import {
  AGENT_STATUS_FILTER,
  decodeAgentStatus,
  decodeDesiredState,
  deploymentDesiredStateFilter,
  desiredStateKey,
  parseAgentStatusKey,
  parseDesiredStateKey,
  type DeploymentPhase,
} from "@fleet/contracts";
import type { Kv } from "../../testing/fixtures.js";

export type TimelineEvent =
  | { kind: "given"; device: string; revision: number | undefined }
  | { kind: "removed"; device: string }
  | {
      kind: "report";
      device: string;
      revision: number | undefined;
      phase: DeploymentPhase | undefined;
      lastError: string | undefined;
    };

export interface Report {
  revision: number | undefined;
  phase: DeploymentPhase | undefined;
  lastError: string | undefined;
}

export class RolloutTimeline {
  readonly events: TimelineEvent[] = [];
  readonly #given = new Map<string, number | undefined>();
  readonly #reports = new Map<string, Report>();
  readonly #heartbeats = new Map<string, number>();
  readonly #wakers = new Set<() => void>();
  readonly #stops: (() => void)[] = [];

  private constructor(
    private readonly namespace: string,
    private readonly name: string,
    private readonly devices: ReadonlySet<string>,
  ) {}

  /** Starts both watches; returns once each has delivered what the buckets already hold. */
  static async watch(
    kv: Kv,
    target: { namespace: string; name: string },
    devices: readonly string[],
  ): Promise<RolloutTimeline> {
    const timeline = new RolloutTimeline(target.namespace, target.name, new Set(devices));
    const desired = await kv.desired.watch({ key: deploymentDesiredStateFilter(target) });
    const status = await kv.status.watch({ key: AGENT_STATUS_FILTER });
    timeline.#stops.push(() => {
      desired.stop();
      status.stop();
    });
    void (async () => {
      for await (const entry of desired) {
        const { device } = parseDesiredStateKey(entry.key);
        if (entry.operation === "PUT") {
          const revision = decodeDesiredState(entry.value).revision;
          timeline.#given.set(device, revision);
          timeline.#push({ kind: "given", device, revision });
        } else {
          timeline.#given.delete(device);
          timeline.#push({ kind: "removed", device });
        }
      }
    })();
    void (async () => {
      for await (const entry of status) {
        if (entry.operation !== "PUT") continue;
        timeline.#heartbeat(parseAgentStatusKey(entry.key), entry.value);
      }
    })();
    return timeline;
  }

  #heartbeat(device: string, value: Uint8Array): void {
    if (!this.devices.has(device)) return;
    const status = decodeAgentStatus(value);
    this.#heartbeats.set(device, (this.#heartbeats.get(device) ?? 0) + 1);
    const key = desiredStateKey({ device, namespace: this.namespace, name: this.name });
    const deployment = status.deployments[key];
    const report: Report = {
      revision: deployment?.revision,
      phase: deployment?.phase,
      lastError: deployment?.lastError,
    };
    const before = this.#reports.get(device);
    this.#reports.set(device, report);
    if (
      before === undefined ||
      before.revision !== report.revision ||
      before.phase !== report.phase ||
      before.lastError !== report.lastError
    )
      this.#push({ kind: "report", device, ...report });
    else this.#wake();
  }

  #push(event: TimelineEvent): void {
    this.events.push(event);
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** The revision of the entry `device` holds now (undefined: none, or one without a revision). */
  given(device: string): number | undefined {
    return this.#given.get(device);
  }

  /** What `device` reported last for this deployment. */
  report(device: string): Report | undefined {
    return this.#reports.get(device);
  }

  /** Heartbeats received from `device` since the watch started. */
  heartbeats(device: string): number {
    return this.#heartbeats.get(device) ?? 0;
  }

  /** True when `device` reports `revision` Running. */
  runs(device: string, revision: number): boolean {
    const report = this.#reports.get(device);
    return report?.revision === revision && report.phase === "Running";
  }

  /** Every revision `device` was ever given, in order (repeats collapsed). */
  revisionsGiven(device: string): (number | undefined)[] {
    const revisions: (number | undefined)[] = [];
    for (const event of this.events)
      if (event.kind === "given" && event.device === device && revisions.at(-1) !== event.revision)
        revisions.push(event.revision);
    return revisions;
  }

  /** Devices in the order they were first given `revision`. */
  firstGiven(revision: number): string[] {
    const order: string[] = [];
    for (const event of this.events)
      if (event.kind === "given" && event.revision === revision && !order.includes(event.device))
        order.push(event.device);
    return order;
  }

  /** Index of the first event matching, or -1. */
  indexOf(match: (event: TimelineEvent) => boolean): number {
    return this.events.findIndex(match);
  }

  /** Index of the event where `device` first reported `revision` Running, or -1. */
  firstRunning(device: string, revision: number): number {
    return this.indexOf(
      (e) =>
        e.kind === "report" &&
        e.device === device &&
        e.revision === revision &&
        e.phase === "Running",
    );
  }

  /** Index of the event where `device` was first given `revision`, or -1. */
  firstGivenAt(device: string, revision: number): number {
    return this.indexOf(
      (e) => e.kind === "given" && e.device === device && e.revision === revision,
    );
  }

  /** Resolves once `check` holds, re-checked on every event and heartbeat (no polling). */
  async until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wakers.delete(wake);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.describe()}`),
        );
      }, timeoutMs);
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      this.#wakers.add(wake);
    });
  }

  /** Each device's given revision and last report, for failure messages. */
  describe(): string {
    return [...this.devices]
      .map((device) => {
        const report = this.#reports.get(device);
        return `${device}: given ${String(this.given(device))}, reports ${String(report?.phase)}@${String(report?.revision)}`;
      })
      .join("; ");
  }

  stop(): void {
    for (const stop of this.#stops) stop();
  }
}
