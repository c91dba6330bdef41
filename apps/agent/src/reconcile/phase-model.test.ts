import { MESSAGE_MAX_LENGTH } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import {
  afterExit,
  formatSeconds,
  nextPhase,
  type PhaseEvent,
  type PhaseState,
  type Transition,
} from "./phase-model.js";

const PULL =
  "image localhost/does-not-exist:1 is not on this device and pulling it failed: refused";
const applying = (hash: string, missingServices: string[] = ["web"]): PhaseEvent => ({
  type: "applying",
  hash,
  missingServices,
});
const attemptFailed = (
  hash: string | undefined,
  attempt: number,
  retryInMs: number,
  error = PULL,
): PhaseEvent => ({ type: "attemptFailed", hash, error, attempt, retryInMs });
const settled = (hash: string | undefined, problems: string[] = []): PhaseEvent => ({
  type: "settled",
  hash,
  problems,
});

/** Runs events in order from `start`; returns every transition. */
function run(events: PhaseEvent[], start?: PhaseState): Transition[] {
  const transitions: Transition[] = [];
  let state = start;
  for (const event of events) {
    const transition = nextPhase(state, event);
    transitions.push(transition);
    state = transition.state;
  }
  return transitions;
}

describe("phase model", () => {
  it("a new desired state is Pending while it is applied, then Running", () => {
    const [pending, running] = run([applying("h1"), settled("h1")]);
    expect(pending?.state).toEqual({ phase: "Pending", hash: "h1" });
    expect(running?.state).toEqual({ phase: "Running", hash: "h1" });
  });

  it("a retried failure stays Failed between attempts, never Pending, with its text and the retry time", () => {
    const transitions = run([
      applying("h1"),
      attemptFailed("h1", 1, 2_000),
      applying("h1"), // the retry starts
      attemptFailed("h1", 2, 4_100),
      applying("h1"),
      attemptFailed("h1", 3, 32_000),
    ]);
    expect(transitions.map((t) => t.state.phase)).toEqual([
      "Pending",
      "Failed",
      "Failed",
      "Failed",
      "Failed",
      "Failed",
    ]);
    // While the next attempt runs, the last attempt's text stays.
    expect(transitions[2]?.state.lastError).toBe(`${PULL}; attempt 1 failed, retrying in 2.0s`);
    expect(transitions[3]?.state.lastError).toBe(`${PULL}; attempt 2 failed, retrying in 4.1s`);
    expect(transitions[5]?.state.lastError).toBe(`${PULL}; attempt 3 failed, retrying in 32s`);
  });

  it("a long error is clipped so that the retry time still fits the message limit", () => {
    const long = `podman: ${"x".repeat(5_000)}`;
    const { state } = nextPhase(undefined, attemptFailed("h1", 2, 4_000, long));
    expect(state.lastError).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(state.lastError).toMatch(/^podman: x+…; attempt 2 failed, retrying in 4\.0s$/);
  });

  it("a retried failure is recorded once, a different failure again", () => {
    const transitions = run([
      applying("h1"),
      attemptFailed("h1", 1, 2_000),
      applying("h1"),
      attemptFailed("h1", 2, 4_000),
      applying("h1"),
      attemptFailed("h1", 3, 8_000, "podman: no space left on device"),
    ]);
    expect(transitions.map((t) => t.record)).toEqual([
      undefined,
      { severity: "Error", message: PULL },
      undefined,
      undefined,
      undefined,
      { severity: "Error", message: "podman: no space left on device" },
    ]);
  });

  it("a fixed retry goes Running, with no error text", () => {
    const failing = run([applying("h1"), attemptFailed("h1", 1, 2_000)]).at(-1)?.state;
    const [retry, fixed] = run([applying("h1"), settled("h1")], failing);
    expect(retry?.state.phase).toBe("Failed");
    expect(fixed?.state).toEqual({ phase: "Running", hash: "h1" });
  });

  it("a new desired state after a failure is Pending again, and its failure is recorded", () => {
    const failing = run([applying("h1"), attemptFailed("h1", 3, 8_000)]).at(-1)?.state;
    const [upgrade, failedAgain] = run([applying("h2"), attemptFailed("h2", 1, 2_000)], failing);
    expect(upgrade?.state).toEqual({ phase: "Pending", hash: "h2" });
    expect(failedAgain?.state.phase).toBe("Failed");
    expect(failedAgain?.record).toEqual({ severity: "Error", message: PULL });
  });

  it("an upgrade from Running is Pending while applied", () => {
    const running: PhaseState = { phase: "Running", hash: "h1" };
    expect(nextPhase(running, applying("h2")).state).toEqual({ phase: "Pending", hash: "h2" });
  });

  it("a container removed out of band makes a Running deployment Failed until re-created", () => {
    const running: PhaseState = { phase: "Running", hash: "h1" };
    const [gone, back] = run([applying("h1", ["nginx"]), settled("h1")], running);
    expect(gone?.state.phase).toBe("Failed");
    expect(gone?.state.lastError).toBe(
      'the container of service "nginx" is gone (removed out of band); re-creating it',
    );
    expect(gone?.record?.severity).toBe("Warning");
    expect(back?.state).toEqual({ phase: "Running", hash: "h1" });
  });

  it("a failure before the desired state is known keeps the hash it had", () => {
    const running: PhaseState = { phase: "Running", hash: "h1" };
    const [down, retry] = run(
      [attemptFailed(undefined, 1, 2_000, "podman unreachable"), applying("h1")],
      running,
    );
    expect(down?.state.hash).toBe("h1");
    expect(retry?.state.phase).toBe("Failed");
    expect(retry?.state.lastError).toBe("podman unreachable; attempt 1 failed, retrying in 2.0s");
  });

  it("exits found by supervision are Failed with their text, and recorded by supervision, not here", () => {
    const problem =
      'service "nginx" exited with code 137 (SIGKILL); restarting in 1.0s (restart #1)';
    const transition = nextPhase({ phase: "Running", hash: "h1" }, settled("h1", [problem]));
    expect(transition.state).toMatchObject({ phase: "Failed", hash: "h1", lastError: problem });
    expect(transition.record).toBeUndefined();
  });

  it("an invalid payload is Failed with its error, recorded once", () => {
    const invalid: PhaseEvent = { type: "invalid", hash: "h9", error: "deployment: required" };
    const [first, again] = run([invalid, invalid], { phase: "Running", hash: "h1" });
    expect(first?.state).toMatchObject({ phase: "Failed", lastError: "deployment: required" });
    expect(first?.record).toEqual({ severity: "Error", message: "deployment: required" });
    expect(again?.record).toBeUndefined();
  });

  it("an exit podman reported makes a Running deployment Failed at once; other phases keep what they say", () => {
    const exit = 'service "web" exited with code 137 (SIGKILL)';
    expect(afterExit({ phase: "Running", hash: "h1" }, exit)).toEqual({
      phase: "Failed",
      hash: "h1",
      lastError: exit,
      cause: exit,
    });
    const restarting: PhaseState = {
      phase: "Failed",
      hash: "h1",
      lastError: `${exit}; restarting in 1.0s (restart #1)`,
    };
    expect(afterExit(restarting, exit)).toBe(restarting);
    const pending: PhaseState = { phase: "Pending", hash: "h2" };
    expect(afterExit(pending, exit)).toBe(pending);
    // The reconcile that follows still settles it the usual way, with its restart note.
    const next = nextPhase(
      afterExit({ phase: "Running", hash: "h1" }, exit),
      settled("h1", [`${exit}; restarting in 1.0s (restart #1)`]),
    );
    expect(next.state).toMatchObject({ phase: "Failed", lastError: restarting.lastError });
  });

  describe("revision", () => {
    it("each phase carries the revision of the entry it is about: Pending, Running and Failed of N say N", () => {
      const transitions = run([
        { type: "applying", hash: "h1", revision: 1, missingServices: ["web"] },
        { type: "settled", hash: "h1", revision: 1, problems: [] },
        { type: "applying", hash: "h2", revision: 2, missingServices: ["web"] },
        {
          type: "attemptFailed",
          hash: "h2",
          revision: 2,
          error: PULL,
          attempt: 1,
          retryInMs: 2_000,
        },
      ]);
      expect(transitions.map(({ state }) => [state.phase, state.revision])).toEqual([
        ["Pending", 1],
        ["Running", 1],
        ["Pending", 2],
        ["Failed", 2],
      ]);
    });

    it("an entry that only renumbers (nothing to apply) goes from Running of 1 straight to Running of 2", () => {
      const running: PhaseState = { phase: "Running", hash: "h1", revision: 1 };
      const { state, record } = nextPhase(running, {
        type: "settled",
        hash: "h2",
        revision: 2,
        problems: [],
      });
      expect(state).toEqual({ phase: "Running", hash: "h2", revision: 2 });
      expect(record).toBeUndefined();
    });

    it("an attempt made before the desired state was known keeps the revision it had", () => {
      const running: PhaseState = { phase: "Running", hash: "h1", revision: 3 };
      const { state } = nextPhase(
        running,
        attemptFailed(undefined, 1, 2_000, "podman unreachable"),
      );
      expect(state).toMatchObject({ phase: "Failed", hash: "h1", revision: 3 });
      const kept = nextPhase(running, settled(undefined));
      expect(kept.state).toEqual({ phase: "Running", hash: "h1", revision: 3 });
    });

    it("an unusable entry is Failed of its revision; an exit keeps the revision", () => {
      const invalid = nextPhase(
        { phase: "Running", hash: "h1", revision: 1 },
        { type: "invalid", hash: "h2", revision: 2, error: 'score: unknown score kind "Next"' },
      );
      expect(invalid.state).toMatchObject({ phase: "Failed", hash: "h2", revision: 2 });
      const exited = afterExit({ phase: "Running", hash: "h1", revision: 4 }, "exited with code 1");
      expect(exited).toMatchObject({ phase: "Failed", revision: 4 });
    });

    it("an entry without a revision (an older operator) gives states without one", () => {
      const [pending, running] = run([applying("h1"), settled("h1")], {
        phase: "Running",
        hash: "h0",
        revision: 5,
      });
      expect(pending?.state).not.toHaveProperty("revision");
      expect(running?.state).not.toHaveProperty("revision");
    });
  });

  it("formats retry times like the restart policy", () => {
    expect(formatSeconds(940)).toBe("0.9s");
    expect(formatSeconds(2_000)).toBe("2.0s");
    expect(formatSeconds(45_400)).toBe("45s");
  });
});
