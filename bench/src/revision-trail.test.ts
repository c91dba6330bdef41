import { describe, expect, it } from "vitest";
import { RevisionTrail } from "./revision-trail.js";

describe("RevisionTrail", () => {
  it("revision trail - counts a device given 1 then 2 as expected", () => {
    const trail = new RevisionTrail();
    trail.record("a", 1);
    trail.record("b", 1);
    trail.record("a", 2);
    trail.record("b", 2);
    expect(trail.summarize(["a", "b"], [1, 2])).toMatchObject({
      asExpected: 2,
      wentBack: 0,
      examples: [],
      maxLiveRevisions: 2,
    });
    expect(trail.holders(2)).toBe(2);
    expect(trail.holders(1)).toBe(0);
    expect(trail.writes()).toBe(4);
  });

  it("revision trail - tells back-and-forth, rewrites, deletes and devices never updated apart", () => {
    const trail = new RevisionTrail();
    for (const [device, revision] of [
      ["back", 1],
      ["back", 2],
      ["back", 1],
      ["back", 2],
      ["twice", 1],
      ["twice", 2],
      ["twice", 2],
      ["gone", 1],
      ["gone", undefined],
      ["gone", 2],
      ["stuck", 1],
    ] as const) {
      trail.record(device, revision);
    }
    const summary = trail.summarize(["back", "twice", "gone", "stuck", "never"], [1, 2]);
    expect(summary).toMatchObject({
      asExpected: 0,
      wentBack: 1,
      rewritten: 1,
      deleted: 1,
      otherwise: 2,
    });
    expect(summary.examples[0]).toBe("back: [1, 2, 1, 2]");
    expect(trail.held("gone")).toBe(2);
    expect(trail.held("never")).toBeUndefined();
  });

  it("revision trail - counts the revisions live at once across the fleet", () => {
    const trail = new RevisionTrail();
    trail.record("a", 1);
    trail.record("b", 2);
    trail.record("c", 3);
    trail.record("c", 2);
    expect(trail.summarize([], [1, 2]).maxLiveRevisions).toBe(3);
    expect(trail.holders(3)).toBe(0);
  });
});
