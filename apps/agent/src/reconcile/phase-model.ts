// The phase model of one deployment on this device, as a pure transition
// function (docs/phases.md draws it). Its one promise: a phase is stable. A
// retry of the same desired state never goes back to Pending, and a failure
// keeps its text while the next attempt runs. Only a new desired state (another
// payload hash) is Pending again, and only until its first outcome. Each state
// also carries the revision of the entry it is about, which the heartbeat
// reports with the phase (a staged rollout counts a device by it).
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
  /** That desired state's revision (absent: none known, or an entry without one). */
  revision?: number;
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

/**
 * Every event names the desired state it is about by its payload hash and its
 * revision (undefined: the entry has none). An undefined hash (an attempt made
 * before the desired state was known) keeps the current hash and revision.
 */
export type PhaseEvent =
  /** Containers are about to be created or replaced for desired state `hash`. */
  | { type: "applying"; hash: string; revision?: number; missingServices: readonly string[] }
  /** The attempt threw; the worker retries it after `retryInMs`. */
  | ({ type: "attemptFailed"; hash: string | undefined; revision?: number } & FailedAttempt)
  /** The attempt finished; `problems` keep it from Running (empty: all run). */
  | { type: "settled"; hash: string | undefined; revision?: number; problems: readonly string[] }
  /** The desired-state payload cannot be used. */
  | { type: "invalid"; hash: string; revision?: number; error: string };

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

/** What a state is about: its hash, and its revision when it has one. */
type About = Pick<PhaseState, "hash" | "revision">;

function about(hash: string | undefined, revision: number | undefined): About {
  return revision === undefined ? { hash } : { hash, revision };
}

/** The event's desired state, or the current one when the event does not know it. */
function aboutOf(
  current: PhaseState | undefined,
  event: { hash: string | undefined; revision?: number },
): About {
  return event.hash === undefined
    ? about(current?.hash, current?.revision)
    : about(event.hash, event.revision);
}

function failed(subject: About, cause: string, lastError = cause): PhaseState {
  return { phase: "Failed", ...subject, lastError, cause };
}

/**
 * A unit of the deployment exited out of band, as podman's event said, before
 * any reconcile looked: a Running deployment is Failed at once with the exit.
 * Any other phase already says more; the reconcile that follows decides, and
 * supervision records the exit in the event ring (once per exit).
 */
export function afterExit(current: PhaseState, problem: string): PhaseState {
  return current.phase === "Running"
    ? failed(about(current.hash, current.revision), problem)
    : current;
}

export function nextPhase(current: PhaseState | undefined, event: PhaseEvent): Transition {
  switch (event.type) {
    case "applying": {
      // A desired state not seen before: Pending until its first outcome.
      if (current?.hash !== event.hash) {
        return { state: { phase: "Pending", ...about(event.hash, event.revision) } };
      }
      // The same desired state, running until now: something took its containers away.
      if (current.phase === "Running" && event.missingServices.length > 0) {
        const cause = missingText(event.missingServices);
        return {
          state: failed(aboutOf(current, event), cause),
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
      const subject = aboutOf(current, event);
      const state = failed(subject, event.error, lastError);
      const repeated =
        current?.phase === "Failed" &&
        current.hash === subject.hash &&
        current.cause === event.error;
      return repeated ? { state } : { state, record: { severity: "Error", message: event.error } };
    }
    case "settled": {
      const subject = aboutOf(current, event);
      if (event.problems.length === 0) return { state: { phase: "Running", ...subject } };
      // Supervision records each exit itself (once per exit), so nothing to record here.
      return { state: failed(subject, event.problems.join("; ")) };
    }
    case "invalid": {
      const state = failed(about(event.hash, event.revision), event.error);
      const repeated = current?.phase === "Failed" && current.lastError === event.error;
      return repeated ? { state } : { state, record: { severity: "Error", message: event.error } };
    }
  }
}
