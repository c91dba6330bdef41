// The latest report of every device, in memory, plus a timer that notices a
// heartbeat going stale even when no other event arrives. Freshness is the
// shared rule from contracts, judged by when each heartbeat was received.
import {
  isDeviceFresh,
  toDeviceReport,
  type AgentStatus,
  type DeploymentReport,
  type DeviceReport,
} from "@fleet/contracts";

/**
 * What a change can alter in the CRs that target the device: "all" when the
 * device appeared, went or changed freshness (every count moves), else the
 * desired-state keys whose phase or error changed (empty: only the heartbeat
 * time or events moved, which the flusher may coalesce longer).
 */
export type DeviceChange = "all" | ReadonlySet<string>;

export type DeviceChanged = (device: string, atMs: number, change: DeviceChange) => void;

// The revision counts too: a device moving to a rollout's new revision may report Running throughout.
const sameReport = (a: DeploymentReport | undefined, b: DeploymentReport | undefined): boolean =>
  a?.phase === b?.phase &&
  a?.revision === b?.revision &&
  a?.lastError === b?.lastError &&
  a?.lastEventAt === b?.lastEventAt;

/** The desired-state keys whose report differs between two heartbeats of one device. */
export function changedDeployments(
  before: Readonly<Record<string, DeploymentReport>>,
  after: Readonly<Record<string, DeploymentReport>>,
): Set<string> {
  const changed = new Set<string>();
  for (const key of Object.keys(after)) if (!sameReport(before[key], after[key])) changed.add(key);
  for (const key of Object.keys(before)) if (!(key in after)) changed.add(key);
  return changed;
}

export class DeviceStatusStore {
  readonly #reports = new Map<string, DeviceReport>();
  /** Devices already announced as stale, so the sweep reports each only once. */
  readonly #stale = new Set<string>();
  readonly #windowMs: number;
  readonly #onChange: DeviceChanged;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(stalenessWindowMs: number, onChange: DeviceChanged, now: () => number = Date.now) {
    this.#windowMs = stalenessWindowMs;
    this.#onChange = onChange;
    this.#now = now;
  }

  get size(): number {
    return this.#reports.size;
  }

  get(device: string): DeviceReport | undefined {
    return this.#reports.get(device);
  }

  /** `receivedAtMs`: see heartbeatReceivedAtMs; defaults to now (a live heartbeat). */
  put(device: string, status: AgentStatus, receivedAtMs: number = this.#now()): void {
    const now = this.#now();
    const report = toDeviceReport(device, status, Math.min(receivedAtMs, now));
    const previous = this.#reports.get(device);
    const wasFresh = previous !== undefined && !this.#stale.has(device);
    this.#reports.set(device, report);
    const fresh = isDeviceFresh(report, now, this.#windowMs);
    if (fresh) this.#stale.delete(device);
    else this.#stale.add(device);
    const change: DeviceChange =
      previous === undefined || fresh !== wasFresh
        ? "all"
        : changedDeployments(previous.deployments, report.deployments);
    this.#onChange(device, now, change);
  }

  remove(device: string): void {
    if (!this.#reports.delete(device)) return;
    this.#stale.delete(device);
    this.#onChange(device, this.#now(), "all");
  }

  /** Marks devices whose heartbeat just crossed the window; returns how many. */
  sweep(): number {
    const now = this.#now();
    let count = 0;
    for (const [device, report] of this.#reports) {
      if (this.#stale.has(device) || isDeviceFresh(report, now, this.#windowMs)) continue;
      this.#stale.add(device);
      this.#onChange(device, now, "all");
      count++;
    }
    return count;
  }

  /** Sweeps often enough that staleness shows within a fraction of the window. */
  start(): void {
    const period = Math.max(100, Math.min(1000, Math.floor(this.#windowMs / 5)));
    this.#timer = setInterval(() => this.sweep(), period);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
