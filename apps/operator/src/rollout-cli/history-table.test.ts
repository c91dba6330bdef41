import type { StoredRevision } from "@fleet/kube";
import { describe, expect, it } from "vitest";
import { historyTable } from "./history-table.js";
import { rolloutDeployment } from "./rollout-fixture.js";

const stored = (revision: number, image: string | undefined): StoredRevision => ({
  name: `web-hash${revision}`,
  namespace: "demo",
  revision,
  hash: `hash${revision}`,
  owner: { name: "web", uid: "u" },
  data:
    image === undefined
      ? undefined
      : {
          generation: revision,
          score: { PodmanV0: { services: [{ name: "main", image, ports: [] }] } },
        },
  problem: image === undefined ? "revision data: score: required" : undefined,
  createdAt: `2026-11-30T10:0${revision}:00.000Z`,
});

describe("rollout history - table", () => {
  it("lists revisions oldest first with hash, time and images, marking stable and target", () => {
    const rollout = rolloutDeployment({
      revision: 3,
      stableRevision: 2,
      phase: "Progressing",
      currentBatch: 1,
      totalBatches: 2,
      message: "m",
    }).status?.rollout;
    const text = historyTable(
      [
        stored(3, "localhost/fleet-nginx:1.2"),
        stored(1, "localhost/fleet-nginx:1.0"),
        stored(2, undefined),
      ],
      rollout,
    );
    expect(text.split("\n")).toEqual([
      "REVISION  HASH   CREATED                   IMAGES                              ROLE",
      "1         hash1  2026-11-30T10:01:00.000Z  localhost/fleet-nginx:1.0           -",
      "2         hash2  2026-11-30T10:02:00.000Z  ? (revision data: score: required)  stable",
      "3         hash3  2026-11-30T10:03:00.000Z  localhost/fleet-nginx:1.2           target (Progressing)",
      "",
    ]);
  });

  it("marks one revision both stable and target once it completed; says when none is stored", () => {
    const rollout = rolloutDeployment({
      revision: 1,
      stableRevision: 1,
      phase: "Completed",
      currentBatch: 1,
      totalBatches: 1,
      message: "m",
    }).status?.rollout;
    expect(historyTable([stored(1, "a:1")], rollout)).toContain("stable, target (Completed)");
    expect(historyTable([], rollout)).toBe(
      "no revisions stored (the operator records one per distinct score)\n",
    );
  });
});
