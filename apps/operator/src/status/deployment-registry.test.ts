import { describe, expect, it } from "vitest";
import { FixedPlacement } from "../testing/fixed-placement.js";
import { DeploymentRegistry } from "./deployment-registry.js";

const tracked = (key: string) => ({
  key,
  namespace: key.split("/")[0] ?? "",
  name: key.split("/")[1] ?? "",
  generation: 1,
  specProblem: undefined,
});
const none = { conditions: [], statusJson: undefined };
const on = (...devices: string[]) => devices.map((device) => ({ device, key: `${device}.x.y` }));

describe("DeploymentRegistry", () => {
  it("DeploymentRegistry - device -> CRs and each CR's targets follow the placement", () => {
    const placement = new FixedPlacement().set("ns/a", on("d1", "d2")).set("ns/b", on("d2"));
    const registry = new DeploymentRegistry(placement);
    registry.upsert(tracked("ns/a"), none);
    registry.upsert(tracked("ns/b"), none);
    expect([...registry.deploymentsOf("d2")].sort()).toEqual(["ns/a", "ns/b"]);
    placement.set("ns/a", on("d3"));
    expect(registry.get("ns/a")?.targets).toEqual(on("d3"));
    expect(registry.deploymentsOf("d1")).toEqual([]);
    registry.remove("ns/b");
    // Placed but no longer tracked: a heartbeat marks nothing for it.
    expect(registry.deploymentsOf("d2")).toEqual([]);
    expect(registry.size).toBe(1);
  });

  it("DeploymentRegistry - a CR whose spec cannot be used has no targets", () => {
    const registry = new DeploymentRegistry(new FixedPlacement().set("ns/a", on("d1")));
    registry.upsert(
      { ...tracked("ns/a"), specProblem: { reason: "InvalidSpec", message: "x" } },
      none,
    );
    expect(registry.get("ns/a")?.targets).toBeUndefined();
    expect(registry.get("ns/a")?.conflict).toBeUndefined();
  });

  it("DeploymentRegistry - keeps the last written status across upserts", () => {
    const registry = new DeploymentRegistry(new FixedPlacement());
    registry.upsert(tracked("ns/a"), { conditions: [], statusJson: "server" });
    expect(registry.get("ns/a")?.lastStatusJson).toBe("server");
    registry.written("ns/a", [], "mine");
    registry.upsert(tracked("ns/a"), { conditions: [], statusJson: "server-old" });
    expect(registry.get("ns/a")?.lastStatusJson).toBe("mine");
  });
});
