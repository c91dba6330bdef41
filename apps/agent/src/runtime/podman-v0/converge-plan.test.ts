import { LABELS, type PodmanService } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import type { ContainerSummary } from "../../podman/containers.js";
import { convergePlan } from "./converge-plan.js";

const service = (name: string): PodmanService => ({
  name,
  image: "localhost/fleet-nginx:1.0",
  ports: [],
});
const container = (service: string, hash: string): ContainerSummary => ({
  id: `${service}-${hash}`,
  name: `fleet_pi-1_demo_web_${service}`,
  labels: { [LABELS.service]: service, [LABELS.payloadHash]: hash },
  state: "running",
  image: "localhost/fleet-nginx:1.0",
});

describe("converge plan - PodmanV0 containers against a desired score", () => {
  it("converge plan - containers marked with the workload hash are current: a renumbered entry changes nothing", () => {
    const owned = [container("web", "w1"), container("api", "w1")];
    // Revision 1 and revision 2 of the same score share workload hash w1; their bytes differ.
    const plan = convergePlan(owned, [service("web"), service("api")], {
      hash: "w1",
      bytesHash: "bytes-of-revision-2",
    });
    expect(plan).toEqual({ current: owned, stale: [], missing: [] });
  });

  it("converge plan - a container an older agent marked with the exact bytes' hash is current too", () => {
    const owned = [container("web", "bytes-1")];
    const plan = convergePlan(owned, [service("web")], { hash: "w1", bytesHash: "bytes-1" });
    expect(plan.current).toEqual(owned);
    expect(plan.stale).toEqual([]);
  });

  it("converge plan - another workload is stale and every service needs a new container", () => {
    const owned = [container("web", "w1")];
    const plan = convergePlan(owned, [service("web")], { hash: "w2", bytesHash: "bytes-2" });
    expect(plan.current).toEqual([]);
    expect(plan.stale).toEqual(owned);
    expect(plan.missing.map((s) => s.name)).toEqual(["web"]);
  });

  it("converge plan - a service gone from the score is stale, a new one is missing", () => {
    const web = container("web", "w1");
    const old = container("old", "w1");
    const plan = convergePlan([web, old], [service("web"), service("api")], {
      hash: "w1",
      bytesHash: "b",
    });
    expect(plan.current).toEqual([web]);
    expect(plan.stale).toEqual([old]);
    expect(plan.missing.map((s) => s.name)).toEqual(["api"]);
  });
});
