// Runs the doctor's checks one after another, each under its own time limit,
// and records one result per check. A check that needs what an earlier one
// failed to produce is recorded as not run, with the reason; the others still
// run, so one failure never hides what else is wrong.
import { messageOf } from "../errors.js";

export type CheckStatus = "pass" | "fail" | "not-run";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** On a pass, what was seen; otherwise why not. */
  detail: string;
}

/** What a check found; `value` is handed to later checks, even from a failed check that still produced it. */
export interface CheckOutcome<T> {
  passed: boolean;
  detail: string;
  value?: T;
}

export class CheckTimeoutError extends Error {
  override readonly name = "CheckTimeoutError";
}

export class Checklist {
  readonly results: CheckResult[] = [];
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Runs one check; a throw is a failure with the error's message. Its value, if any, is returned. */
  async run<T>(
    name: string,
    check: (signal: AbortSignal) => Promise<CheckOutcome<T>>,
  ): Promise<T | undefined> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = this.#timeoutMs / 1000;
        reject(new CheckTimeoutError(`no answer within ${seconds} s`));
        abort.abort();
      }, this.#timeoutMs);
    });
    try {
      const outcome = await Promise.race([check(abort.signal), timeout]);
      this.results.push({
        name,
        status: outcome.passed ? "pass" : "fail",
        detail: outcome.detail,
      });
      return outcome.value;
    } catch (error) {
      this.results.push({ name, status: "fail", detail: messageOf(error) });
      return undefined;
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  /** Records a check that cannot run, saying what it needed. */
  notRun(name: string, needs: string): void {
    this.results.push({ name, status: "not-run", detail: `not checked: needs ${needs}` });
  }

  get allPassed(): boolean {
    return this.results.every((result) => result.status === "pass");
  }
}
