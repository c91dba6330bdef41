// The phase of every deployment on this device, keyed by desired-state key,
// with the revision of the entry it is about. Any change of phase, revision or
// error text is a change the heartbeat must carry at once, so `onChange` fires
// for it (the publisher coalesces). Error texts are clipped here, where they
// enter the heartbeat (MESSAGE_MAX_LENGTH).
import { clipMessage, type DeploymentReport } from "@fleet/contracts";

/** What the reconciler says about a deployment; the book adds the time. */
export type PhaseReport = Pick<DeploymentReport, "phase" | "revision" | "lastError">;

export class StatusBook {
  readonly #reports = new Map<string, DeploymentReport>();
  readonly #onChange: () => void;
  readonly #now: () => Date;

  constructor(onChange: () => void, now: () => Date = () => new Date()) {
    this.#onChange = onChange;
    this.#now = now;
  }

  get(key: string): DeploymentReport | undefined {
    return this.#reports.get(key);
  }

  /** Records the phase; returns true when phase, revision or error text changed. */
  set(key: string, { phase, revision, lastError: error }: PhaseReport): boolean {
    const lastError = error === undefined ? undefined : clipMessage(error);
    const current = this.#reports.get(key);
    if (
      current?.phase === phase &&
      current.revision === revision &&
      current.lastError === lastError
    ) {
      return false;
    }
    const report: DeploymentReport = { phase, lastEventAt: this.#now().toISOString() };
    if (revision !== undefined) report.revision = revision;
    if (lastError !== undefined) report.lastError = lastError;
    this.#reports.set(key, report);
    this.#onChange();
    return true;
  }

  remove(key: string): boolean {
    if (!this.#reports.delete(key)) return false;
    this.#onChange();
    return true;
  }

  snapshot(): Record<string, DeploymentReport> {
    return Object.fromEntries([...this.#reports].sort(([a], [b]) => a.localeCompare(b)));
  }
}
