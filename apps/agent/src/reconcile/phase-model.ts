// The phase model of one deployment on this device, as a pure transition
// function (docs/phases.md draws it). Its one promise: a phase is stable. A
// retry of the same desired state never goes back to Pending, and a failure
// keeps its text while the next attempt runs. Only a new desired state (another
// payload hash) is Pending again, and only until its first outcome.
import {
  clipMessage,
  MESSAGE_MAX_LENGTH,
  type AgentEvent,
  type DeploymentPhase,
} from "@fleet/contracts";

export interface PhaseState {
  phase: DeploymentPhase;
  /** The payload hash of the desired state this phase is about (undefined: none known). */
  hash: string | undefined;
  lastError?: string;
  /** What failed, without the retry note: a retry failing the same way is not a new event. */
  cause?: string;
}

/** A failed attempt, as the worker that retries it sees it. */
export interface FailedAttempt {
  error: string;
  /** 1 for the first failure of this desired state, then 2, 3, ... */
  attempt: number;
  retryInMs: number;
}

export type PhaseEvent =
  /** Containers are about to be created or replaced for desired state `hash`. */
  | { type: "applying"; hash: string; missingServices: readonly string[] }
  /** The attempt threw; the worker retries it after `retryInMs`. An undefined hash keeps the current one. */
  | ({ type: "attemptFailed"; hash: string | undefined } & FailedAttempt)
  /** The attempt finished; `problems` keep it from Running (empty: all run). An undefined hash keeps the current one. */
  | { type: "settled"; hash: string | undefined; problems: readonly string[] }
  /** The desired-state payload cannot be used. */
  | { type: "invalid"; hash: string; error: string };

type RingEntry = Pick<AgentEvent, "severity" | "message">;

export interface Transition {
  state: PhaseState;
  /** What to record in the event ring for this transition, if anything. */
  record?: RingEntry;
}

/** "1.0s" below 10 s, "32s" above: the same wording the restart policy uses. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

export function retryNote(attempt: number, retryInMs: number): string {
  return `attempt ${attempt} failed, retrying in ${formatSeconds(retryInMs)}`;
}

function missingText(services: readonly string[]): string {
  const names = services.map((s) => `"${s}"`).join(", ");
  return services.length === 1
    ? `the container of service ${names} is gone (removed out of band); re-creating it`
    : `the containers of services ${names} are gone (removed out of band); re-creating them`;
}

function failed(hash: string | undefined, cause: string, lastError = cause): PhaseState {
  return { phase: "Failed", hash, lastError, cause };
}

/**
 * A unit of the deployment exited out of band, as podman's event said, before
 * any reconcile looked: a Running deployment is Failed at once with the exit.
 * Any other phase already says more; the reconcile that follows decides, and
 * supervision records the exit in the event ring (once per exit).
 */
export function afterExit(current: PhaseState, problem: string): PhaseState {
  return current.phase === "Running" ? failed(current.hash, problem) : current;
}

export function nextPhase(current: PhaseState | undefined, event: PhaseEvent): Transition {
  switch (event.type) {
    case "applying": {
      // A desired state not seen before: Pending until its first outcome.
      if (current?.hash !== event.hash) return { state: { phase: "Pending", hash: event.hash } };
      // The same desired state, running until now: something took its containers away.
      if (current.phase === "Running" && event.missingServices.length > 0) {
        const cause = missingText(event.missingServices);
        return {
          state: failed(event.hash, cause),
          record: { severity: "Warning", message: cause },
        };
      }
      // A retry of the same desired state: Failed stays Failed with the last attempt's text.
      return { state: current };
    }
    case "attemptFailed": {
      // Clip the error, not the note: however long podman's text, the retry time stays readable.
      const note = `; ${retryNote(event.attempt, event.retryInMs)}`;
      const lastError = clipMessage(event.error, MESSAGE_MAX_LENGTH - note.length) + note;
      const hash = event.hash ?? current?.hash;
      const state = failed(hash, event.error, lastError);
      const repeated =
        current?.phase === "Failed" && current.hash === hash && current.cause === event.error;
      return repeated ? { state } : { state, record: { severity: "Error", message: event.error } };
    }
    case "settled": {
      const hash = event.hash ?? current?.hash;
      if (event.problems.length === 0) return { state: { phase: "Running", hash } };
      // Supervision records each exit itself (once per exit), so nothing to record here.
      return { state: failed(hash, event.problems.join("; ")) };
    }
    case "invalid": {
      const state = failed(event.hash, event.error);
      const repeated = current?.phase === "Failed" && current.lastError === event.error;
      return repeated ? { state } : { state, record: { severity: "Error", message: event.error } };
    }
  }
}
