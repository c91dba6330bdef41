// Ends devices' live connections as DeviceChanges decides, keeping the drain
// timers: a disabled device still running workloads is kicked once its status
// says it is drained, or when the drain timeout passes (the operator down or
// slow: then it is disconnected with its workloads still running, as before).
import type { Logger } from "@fleet/runtime";
import type { DevicePolicy } from "../policy/index.js";
import { DeviceChanges } from "./device-changes.js";

export const DEFAULT_DISABLE_DRAIN_TIMEOUT_MS = 30_000;

export type DrainEvent = "started" | "drained" | "timed-out" | "cancelled";

export class DisableDrain {
  readonly #changes = new DeviceChanges();
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(
    /** Closes every live connection of the device. */
    private readonly kick: (deviceId: string) => void,
    private readonly timeoutMs: number,
    private readonly log: Logger,
    /** Told of each drain's start and end (metrics; tests await a drain started). */
    private readonly onEvent: (event: DrainEvent) => void = () => undefined,
  ) {}

  /** Every change of a device's policy. */
  observe(policy: DevicePolicy): void {
    const { deviceId } = policy;
    switch (this.#changes.decide(policy)) {
      case "kick":
        if (this.#stopTimer(deviceId)) this.onEvent("drained");
        this.kick(deviceId);
        return;
      case "drain":
        this.log.info(
          { device: deviceId, timeoutMs: this.timeoutMs },
          "device disabled: its connection closes once its workloads are removed",
        );
        this.#stopTimer(deviceId);
        this.onEvent("started");
        this.#timers.set(
          deviceId,
          setTimeout(() => {
            this.#timers.delete(deviceId);
            if (!this.#changes.drainTimedOut(deviceId)) return;
            this.log.warn(
              { device: deviceId, timeoutMs: this.timeoutMs },
              "disabled device not drained in time; closing its connection with workloads still reported",
            );
            this.onEvent("timed-out");
            this.kick(deviceId);
          }, this.timeoutMs).unref(),
        );
        return;
      case "cancel-drain":
        if (this.#stopTimer(deviceId)) this.onEvent("cancelled");
        return;
      case "keep":
        return;
    }
  }

  /** Devices waiting to be drained (tests, metrics). */
  get draining(): number {
    return this.#timers.size;
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** True when a drain was waiting. */
  #stopTimer(deviceId: string): boolean {
    clearTimeout(this.#timers.get(deviceId));
    return this.#timers.delete(deviceId);
  }
}
