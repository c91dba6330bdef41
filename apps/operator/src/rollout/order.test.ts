import { rolloutSpecSchema, type RolloutBatch } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { fnv1a32, planBatches, rolloutOrder } from "./order.js";

const ids = (count: number, prefix = "dev"): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const batches = (input: unknown[]): RolloutBatch[] =>
  rolloutSpecSchema.parse({ batches: input }).batches;
const noLabels = (): undefined => undefined;

describe("rollout order", () => {
  it("fnv1a32 - matches the published FNV-1a test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("rolloutOrder - the same for any listing order of the same devices", () => {
    const devices = ids(200);
    const reversed = [...devices].reverse();
    expect(rolloutOrder("abc", reversed)).toEqual(rolloutOrder("abc", devices));
    expect(new Set(rolloutOrder("abc", devices))).toEqual(new Set(devices));
  });

  it("rolloutOrder - another revision hash orders the fleet differently (spread, not by name)", () => {
    const devices = ids(200);
    const a = rolloutOrder("rev-a", devices);
    const b = rolloutOrder("rev-b", devices);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(devices);
    // The first 10% are not simply the first names listed.
    expect(a.slice(0, 20).filter((d) => devices.indexOf(d) < 20).length).toBeLessThan(10);
  });

  it("rolloutOrder - ids that differ only in their last characters do not cluster", () => {
    // Plain FNV-1a barely stirs the high bits for the last characters: with it
    // the first ten of pi-0..pi-99 were pi-50..pi-59.
    const firstTen = rolloutOrder("abc", ids(100, "pi")).slice(0, 10);
    const perDecade = new Map<string, number>();
    for (const device of firstTen) {
      const decade = device.slice(0, -1);
      perDecade.set(decade, (perDecade.get(decade) ?? 0) + 1);
    }
    expect(Math.max(...perDecade.values())).toBeLessThan(5);
  });

  it("rolloutOrder - a joining device slots in without reordering the others", () => {
    const devices = ids(300);
    const before = rolloutOrder("seed", devices);
    const after = rolloutOrder("seed", [...devices, "newcomer"]);
    expect(after.filter((d) => d !== "newcomer")).toEqual(before);
  });
});

describe("batch membership", () => {
  it("planBatches - counts and percentages of the whole fleet, in order, left-over batch last", () => {
    const ordered = ids(100);
    const plan = planBatches(
      batches([{ count: 1 }, { percentage: 25 }, { percentage: 50 }]),
      ordered,
      noLabels,
    );
    expect(plan.members.map((m) => m.length)).toEqual([1, 25, 50, 24]);
    expect(plan.members.flat()).toEqual(ordered);
    expect(plan.batchOf.get("dev-0")).toBe(0);
    expect(plan.batchOf.get("dev-26")).toBe(2);
    expect(plan.batchOf.get("dev-99")).toBe(3);
  });

  it("planBatches - no left-over batch when the batches cover every device", () => {
    const plan = planBatches(batches([{ percentage: 50 }, { percentage: 50 }]), ids(9), noLabels);
    expect(plan.members.map((m) => m.length)).toEqual([5, 4]);
  });

  it("planBatches - a percentage rounds up and a batch beyond the fleet is empty", () => {
    const plan = planBatches(
      batches([{ percentage: 10 }, { count: 50 }, { count: 3 }]),
      ids(5),
      noLabels,
    );
    expect(plan.members.map((m) => m.length)).toEqual([1, 4, 0]);
  });

  it("planBatches - a selector batch takes only matching devices not in earlier batches; its percentage is of the matching ones", () => {
    const ordered = ids(20);
    const labels = (device: string): Record<string, string> =>
      Number(device.split("-")[1]) % 2 === 0 ? { ring: "canary" } : { ring: "main" };
    const plan = planBatches(
      batches([
        { count: 2 },
        { percentage: 50, selector: { matchLabels: { ring: "canary" } } },
        { count: 100, selector: { matchLabels: { ring: "canary" } } },
      ]),
      ordered,
      labels,
    );
    const [first, canaryHalf, restOfCanary, leftOver] = plan.members;
    expect(first).toEqual(["dev-0", "dev-1"]);
    // 10 canaries, 50% = 5; dev-0 is taken already, so the next five matching ones.
    expect(canaryHalf).toEqual(["dev-2", "dev-4", "dev-6", "dev-8", "dev-10"]);
    expect(restOfCanary).toEqual(["dev-12", "dev-14", "dev-16", "dev-18"]);
    expect(leftOver).toEqual([
      "dev-3",
      "dev-5",
      "dev-7",
      "dev-9",
      "dev-11",
      "dev-13",
      "dev-15",
      "dev-17",
      "dev-19",
    ]);
  });

  it("planBatches - a batch whose selector matches nothing is empty and stays a batch", () => {
    const plan = planBatches(
      batches([{ count: 1, selector: { matchLabels: { ring: "none" } } }, { percentage: 100 }]),
      ids(4),
      () => ({ ring: "main" }),
    );
    expect(plan.members.map((m) => m.length)).toEqual([0, 4]);
  });

  it("planBatches - with count batches, a joining device moves at most one device per batch boundary", () => {
    const spec = batches([{ count: 10 }, { count: 20 }]);
    const devices = ids(100);
    const before = planBatches(spec, rolloutOrder("s", devices), noLabels);
    const after = planBatches(spec, rolloutOrder("s", [...devices, "joiner"]), noLabels);
    const moved = devices.filter((d) => before.batchOf.get(d) !== after.batchOf.get(d));
    expect(moved.length).toBeLessThanOrEqual(2);
    for (const device of moved)
      expect(after.batchOf.get(device)).toBe((before.batchOf.get(device) ?? -1) + 1);
  });
});
