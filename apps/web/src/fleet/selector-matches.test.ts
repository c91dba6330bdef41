import { parseLabelSelector } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import {
  matchingIds,
  PREVIEW_EXAMPLES,
  selectorPreview,
  type LabelledDevice,
} from "./selector-matches";

const device = (
  id: string,
  labels: Record<string, string>,
  phase: LabelledDevice["phase"] = "Enrolled",
): LabelledDevice => ({ id, labels, phase });

const fleet: LabelledDevice[] = [
  device("kiosk-b", { app: "kiosk", region: "eu" }),
  device("kiosk-a", { app: "kiosk", region: "us" }),
  device("kiosk-legacy", { app: "kiosk", region: "eu", legacy: "true" }),
  device("kiosk-pending", { app: "kiosk", region: "eu" }, "PendingApproval"),
  device("kiosk-off", { app: "kiosk", region: "eu" }, "Disabled"),
  device("camera", { app: "camera", region: "eu" }),
];

describe("selector preview - what a selector deployment would target now", () => {
  it("counts enrolled, enabled devices whose labels match, with the rest apart", () => {
    const preview = selectorPreview(
      parseLabelSelector("app=kiosk,region in (eu,us),!legacy"),
      fleet,
    );
    expect(preview).toEqual({ targeted: 2, notTargeted: 2, examples: ["kiosk-a", "kiosk-b"] });
  });

  it("names only a few devices but counts them all", () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      device(`d-${String(i).padStart(2, "0")}`, { app: "x" }),
    );
    const preview = selectorPreview(parseLabelSelector("app=x"), many);
    expect(preview.targeted).toBe(12);
    expect(preview.examples).toEqual(many.slice(0, PREVIEW_EXAMPLES).map((d) => d.id));
  });

  it("matches nothing when no label fits", () => {
    expect(selectorPreview(parseLabelSelector("app=printer"), fleet)).toEqual({
      targeted: 0,
      notTargeted: 0,
      examples: [],
    });
  });
});

describe("matching ids - the fleet filter and a deployment's targets", () => {
  const selector = parseLabelSelector("app=kiosk,region=eu");
  it("lists every device whose labels match, whatever its phase, sorted", () => {
    expect(matchingIds(selector, fleet, false)).toEqual([
      "kiosk-b",
      "kiosk-legacy",
      "kiosk-off",
      "kiosk-pending",
    ]);
  });
  it("lists only the targeted ones when asked", () => {
    expect(matchingIds(selector, fleet, true)).toEqual(["kiosk-b", "kiosk-legacy"]);
  });
});
