// The latest report of every device, in memory, plus a timer that notices a
// heartbeat going stale even when no other event arrives. Freshness is the
// shared rule from contracts, judged by when each heartbeat was received.
import {
  isDeviceFresh,
  toDeviceReport,
  type AgentStatus,
  type DeviceReport,
} from "@fleet/contracts";

export type DeviceChanged = (device: string, atMs: number) => void;

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
    this.#reports.set(device, report);
    if (isDeviceFresh(report, now, this.#windowMs)) this.#stale.delete(device);
    else this.#stale.add(device);
    this.#onChange(device, now);
  }

  remove(device: string): void {
    if (!this.#reports.delete(device)) return;
    this.#stale.delete(device);
    this.#onChange(device, this.#now());
  }

  /** Marks devices whose heartbeat just crossed the window; returns how many. */
  sweep(): number {
    const now = this.#now();
    let count = 0;
    for (const [device, report] of this.#reports) {
      if (this.#stale.has(device) || isDeviceFresh(report, now, this.#windowMs)) continue;
      this.#stale.add(device);
      this.#onChange(device, now);
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
