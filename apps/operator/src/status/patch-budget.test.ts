import { describe, expect, it } from "vitest";
import { PATCH_BURST, PatchBudget } from "./patch-budget.js";

const T0 = 1_000_000;

describe("PatchBudget", () => {
  it("PatchBudget - changes of substance: a burst of two, then one a period", () => {
    const budget = new PatchBudget(1000);
    const sent: number[] = [];
    for (let now = T0; now < T0 + 10_000; now += 10) {
      if (budget.dueAt("cr", true, now) <= now) {
        budget.spend("cr", now);
        sent.push(now);
      }
    }
    expect(sent.slice(0, PATCH_BURST)).toEqual([T0, T0 + 10]);
    // 10 s: the burst, then about one a second.
    expect(sent.length).toBeLessThanOrEqual(10 + PATCH_BURST);
    expect(sent.length).toBeGreaterThanOrEqual(10);
  });

  it("PatchBudget - a routine change never takes the token kept for a change of substance", () => {
    const budget = new PatchBudget(1000);
    expect(budget.dueAt("cr", false, T0)).toBe(T0);
    budget.spend("cr", T0);
    // One token left: a routine change waits for a full bucket, a failure does not.
    expect(budget.dueAt("cr", false, T0 + 10)).toBe(T0 + 1000);
    expect(budget.dueAt("cr", true, T0 + 10)).toBe(T0 + 10);
  });

  it("PatchBudget - a routine change waits a routine period after the last patch", () => {
    const budget = new PatchBudget(1000, 5000);
    budget.spend("cr", T0);
    expect(budget.dueAt("cr", false, T0 + 1000)).toBe(T0 + 5000);
    expect(budget.dueAt("cr", true, T0 + 1000)).toBe(T0 + 1000);
    // Budgets are per CR.
    expect(budget.dueAt("other", false, T0 + 1000)).toBe(T0 + 1000);
  });
});
