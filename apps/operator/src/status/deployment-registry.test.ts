import { describe, expect, it } from "vitest";
import { DeploymentRegistry } from "./deployment-registry.js";

const tracked = (key: string, devices: string[]) => ({
  key,
  namespace: key.split("/")[0] ?? "",
  name: key.split("/")[1] ?? "",
  generation: 1,
  targets: devices.map((device) => ({ device, key: `${device}.x.y` })),
  specProblem: undefined,
});
const none = { conditions: [], statusJson: undefined };

describe("DeploymentRegistry", () => {
  it("DeploymentRegistry - indexes device -> CRs and follows retargeting and removal", () => {
    const registry = new DeploymentRegistry();
    registry.upsert(tracked("ns/a", ["d1", "d2"]), none);
    registry.upsert(tracked("ns/b", ["d2"]), none);
    expect([...registry.deploymentsOf("d2")].sort()).toEqual(["ns/a", "ns/b"]);
    registry.upsert(tracked("ns/a", ["d3"]), none);
    expect([...registry.deploymentsOf("d1")]).toEqual([]);
    expect([...registry.deploymentsOf("d2")]).toEqual(["ns/b"]);
    registry.remove("ns/b");
    expect([...registry.deploymentsOf("d2")]).toEqual([]);
    expect(registry.size).toBe(1);
  });

  it("DeploymentRegistry - keeps the last written status across upserts", () => {
    const registry = new DeploymentRegistry();
    registry.upsert(tracked("ns/a", ["d1"]), { conditions: [], statusJson: "server" });
    expect(registry.get("ns/a")?.lastStatusJson).toBe("server");
    registry.written("ns/a", [], "mine");
    registry.upsert(tracked("ns/a", ["d1"]), { conditions: [], statusJson: "server-old" });
    expect(registry.get("ns/a")?.lastStatusJson).toBe("mine");
  });
});
