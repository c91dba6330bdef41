import { describe, expect, it } from "vitest";
import { fieldErrorsFrom, initialValues, validate, type FormValues } from "./form-model";
import { initialRolloutValues, parseBatches } from "./rollout-form";

const withRollout = (rollout: Partial<FormValues["rollout"]>): FormValues => ({
  ...initialValues(),
  targetDevices: ["pi-1", "pi-2"],
  rollout: { ...initialRolloutValues(), enabled: true, ...rollout },
});

describe("rollout form - batches as text", () => {
  it("reads counts and percentages, spaces allowed", () => {
    expect(parseBatches("1, 25%,50%")).toEqual({
      ok: true,
      batches: [{ count: 1 }, { percentage: 25 }, { percentage: 50 }],
    });
  });

  it("names the batch that is neither", () => {
    expect(parseBatches("1,half")).toEqual({
      ok: false,
      error: 'batch 2 ("half") is not a count or a percentage; write them as 1,25%,50%',
    });
    expect(parseBatches(" ")).toMatchObject({ ok: false, error: /at least one batch/ });
  });
});

describe("rollout form - spec.rollout from the form", () => {
  it("sends no spec.rollout while rollouts are off", () => {
    const result = validate({ ...initialValues(), targetDevices: ["pi-1"] });
    expect(result.ok && result.input.spec.rollout).toBeUndefined();
  });

  it("builds spec.rollout with the contracts' defaults filled in", () => {
    const result = validate(
      withRollout({ batches: "1,50%", approval: "manual", successThreshold: "80" }),
    );
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.input.spec.rollout).toEqual({
        batches: [{ count: 1 }, { percentage: 50 }],
        successThreshold: 80,
        batchTimeout: "30m",
        pauseBetweenBatches: "0s",
        approval: "manual",
        onFailure: "rollback",
        paused: false,
      });
  });

  it("puts each rollout issue on its field, a batch's with its number", () => {
    const result = validate(
      withRollout({ batches: "1,150%", successThreshold: "101", batchTimeout: "soon" }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toMatchObject({
        rolloutBatches: "batch 2: must be 1 to 100",
        rolloutSuccessThreshold: "must be 0 to 100",
        rolloutBatchTimeout: "must be a duration such as 30s, 10m or 24h",
      });
  });

  it("says what is wrong with text that is not a number or a list", () => {
    const result = validate(withRollout({ batches: "first", successThreshold: "most" }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.rolloutBatches).toMatch(/batch 1 \("first"\) is not a count/);
      expect(result.errors.rolloutSuccessThreshold).toBe("must be a whole number from 0 to 100");
    }
  });

  it("maps the server's field paths (text) to the same fields", () => {
    expect(
      fieldErrorsFrom([
        { path: "spec.rollout.batches.0.count".split("."), message: "must be at least 1" },
        { path: "spec.rollout.onFailure".split("."), message: "Invalid option" },
      ]),
    ).toEqual({
      rolloutBatches: "batch 1: must be at least 1",
      rolloutOnFailure: "Invalid option",
    });
  });
});

describe("deployment form model - ports", () => {
  it("publishes no port when both are blank", () => {
    const result = validate({
      ...initialValues(),
      targetDevices: ["pi-1"],
      hostPort: " ",
      containerPort: "",
    });
    expect(result.ok && result.input.spec.score.PodmanV0.services[0]?.ports).toEqual([]);
  });

  it("still requires the other port when one is given", () => {
    const result = validate({ ...initialValues(), targetDevices: ["pi-1"], hostPort: "" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.hostPort).toBeDefined();
  });
});
