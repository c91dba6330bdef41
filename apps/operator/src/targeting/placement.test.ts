import { desiredStateKey, type DeploymentTargeting } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import type { DeviceSummary } from "./device-summary.js";
import { Placement, type DeploymentTargets, type PlacementChanges } from "./placement.js";
import { placementView } from "./placement-view.js";
import { DeploymentRegistry } from "../status/deployment-registry.js";

/** A Device registry as the watch would hold it. */
class Devices {
  readonly map = new Map<string, DeviceSummary>();
  get(device: string): DeviceSummary | undefined {
    return this.map.get(device);
  }
  ids(): Iterable<string> {
    return this.map.keys();
  }
  set(device: string, labels: Record<string, string>, flags: Partial<DeviceSummary> = {}): void {
    this.map.set(device, { labels, disabled: false, enrolled: true, ...flags });
  }
}

const selector = (matchLabels: Record<string, string>): DeploymentTargeting => ({
  kind: "selector",
  selector: { matchLabels },
});
const listed = (...devices: string[]): DeploymentTargeting => ({ kind: "devices", devices });

function deployment(
  key: string,
  targeting: DeploymentTargeting,
  createdAtMs = 0,
  hostPorts: string[] = [],
): DeploymentTargets {
  return { key, createdAtMs, targeting, hostPorts };
}

const flipped = (changes: PlacementChanges): Record<string, string[]> =>
  Object.fromEntries([...changes.flipped].map(([key, devices]) => [key, [...devices].sort()]));

const placed = (p: Placement, key: string): string[] => [...p.placedOf(key)].sort();

describe("Placement", () => {
  it("placement - a selector places on enrolled, enabled Devices whose labels match", () => {
    const devices = new Devices();
    devices.set("a", { app: "kiosk" });
    devices.set("b", { app: "kiosk" }, { disabled: true });
    devices.set("c", { app: "kiosk" }, { enrolled: false });
    devices.set("d", { app: "other" });
    const p = new Placement(devices);
    const changes = p.setDeployment(deployment("ns/web", selector({ app: "kiosk" })));
    expect(flipped(changes)).toEqual({ "ns/web": ["a"] });
    expect(p.deploymentsOn("a")).toEqual(["ns/web"]);
    expect(p.deploymentsOn("d")).toEqual([]);
  });

  it("placement - a listed id without a Device stays targeted; a disabled Device is dropped", () => {
    const devices = new Devices();
    devices.set("b", {}, { disabled: true });
    const p = new Placement(devices);
    p.setDeployment(deployment("ns/web", listed("a", "b", "c")));
    expect(placed(p, "ns/web")).toEqual(["a", "c"]);

    devices.set("c", {}, { disabled: true });
    expect(flipped(p.deviceChanged("c"))).toEqual({ "ns/web": ["c"] });
    devices.set("b", {});
    expect(flipped(p.deviceChanged("b"))).toEqual({ "ns/web": ["b"] });
    expect(placed(p, "ns/web")).toEqual(["a", "b"]);
  });

  it("placement - relabel, disable and delete re-place only that device, both ways", () => {
    const devices = new Devices();
    for (let i = 0; i < 100; i++) devices.set(`d${i}`, { app: "kiosk" });
    const p = new Placement(devices);
    p.setDeployment(deployment("ns/web", selector({ app: "kiosk" })));
    p.setDeployment(deployment("ns/other", selector({ app: "tv" })));
    expect(p.placedOf("ns/web").size).toBe(100);

    devices.set("d7", { app: "tv" });
    expect(flipped(p.deviceChanged("d7"))).toEqual({ "ns/web": ["d7"], "ns/other": ["d7"] });
    devices.set("d7", { app: "kiosk" });
    expect(flipped(p.deviceChanged("d7"))).toEqual({ "ns/web": ["d7"], "ns/other": ["d7"] });
    expect(p.isPlaced("ns/web", "d7")).toBe(true);

    devices.set("d8", { app: "kiosk" }, { disabled: true });
    expect(flipped(p.deviceChanged("d8"))).toEqual({ "ns/web": ["d8"] });
    devices.map.delete("d9");
    expect(flipped(p.deviceChanged("d9"))).toEqual({ "ns/web": ["d9"] });
    // A change that moves nothing reports nothing.
    devices.set("d10", { app: "kiosk", extra: "x" });
    expect(flipped(p.deviceChanged("d10"))).toEqual({});
    expect(p.placedOf("ns/web").size).toBe(98);
  });

  it("placement - a spec change re-places only what changed; the same targeting changes nothing", () => {
    const devices = new Devices();
    devices.set("a", { tier: "1" });
    devices.set("b", { tier: "2" });
    const p = new Placement(devices);
    p.setDeployment(deployment("ns/web", selector({ tier: "1" })));
    expect(flipped(p.setDeployment(deployment("ns/web", selector({ tier: "1" }))))).toEqual({});
    expect(flipped(p.setDeployment(deployment("ns/web", selector({ tier: "2" }))))).toEqual({
      "ns/web": ["a", "b"],
    });
    expect(flipped(p.setDeployment(deployment("ns/web", listed("b", "x"))))).toEqual({
      "ns/web": ["x"],
    });
    expect(placed(p, "ns/web")).toEqual(["b", "x"]);
    expect(flipped(p.removeDeployment("ns/web"))).toEqual({});
    expect(p.deploymentsOn("b")).toEqual([]);
  });
});

describe("Placement - host-port clashes", () => {
  const setup = (): { devices: Devices; p: Placement } => {
    const devices = new Devices();
    devices.set("a", { app: "kiosk" });
    devices.set("b", { app: "kiosk" });
    const p = new Placement(devices);
    return { devices, p };
  };

  it("clash - the older CR keeps the device, the newer is withheld and both know it", () => {
    const { p } = setup();
    p.setDeployment(deployment("ns/old", selector({ app: "kiosk" }), 1000, ["8080/TCP"]));
    const changes = p.setDeployment(deployment("ns/new", listed("a"), 2000, ["8080/TCP"]));
    expect(flipped(changes)).toEqual({});
    expect([...changes.touched].sort()).toEqual(["ns/new", "ns/old"]);
    expect(p.isPlaced("ns/new", "a")).toBe(false);
    expect(p.conflictOf("ns/new")).toEqual({
      withheld: 1,
      example: { device: "a", other: "ns/old", port: "8080/TCP" },
      blocking: [],
    });
    expect(p.conflictOf("ns/old")).toEqual({
      withheld: 0,
      example: undefined,
      blocking: [{ other: "ns/new", devices: 1, device: "a", port: "8080/TCP" }],
    });
  });

  it("clash - a newer CR created first in the loop still loses to the older one", () => {
    const { p } = setup();
    p.setDeployment(deployment("ns/new", listed("a"), 2000, ["8080/TCP"]));
    expect(p.isPlaced("ns/new", "a")).toBe(true);
    const changes = p.setDeployment(
      deployment("ns/old", selector({ app: "kiosk" }), 1000, ["8080/TCP"]),
    );
    expect(flipped(changes)).toEqual({ "ns/new": ["a"], "ns/old": ["a", "b"] });
    expect(p.isPlaced("ns/new", "a")).toBe(false);
    expect(p.conflictOf("ns/new").withheld).toBe(1);
  });

  it("clash - different ports or protocols do not clash; equal ages fall back to the name", () => {
    const { p } = setup();
    p.setDeployment(deployment("ns/a", listed("a"), 0, ["8080/TCP"]));
    p.setDeployment(deployment("ns/b", listed("a"), 0, ["8080/UDP", "9090/TCP"]));
    expect(p.deploymentsOn("a")).toEqual(["ns/a", "ns/b"]);
    p.setDeployment(deployment("ns/c", listed("a"), 0, ["9090/TCP"]));
    expect(p.conflictOf("ns/c").example).toEqual({ device: "a", other: "ns/b", port: "9090/TCP" });
  });

  it("clash - when the older one goes (deleted or relabelled away) the newer is placed", () => {
    const { devices, p } = setup();
    p.setDeployment(deployment("ns/old", selector({ app: "kiosk" }), 1000, ["8080/TCP"]));
    p.setDeployment(deployment("ns/new", listed("a", "b"), 2000, ["8080/TCP"]));
    expect(p.conflictOf("ns/new").withheld).toBe(2);

    devices.set("a", { app: "none" });
    expect(flipped(p.deviceChanged("a"))).toEqual({ "ns/old": ["a"], "ns/new": ["a"] });
    expect(p.conflictOf("ns/new").withheld).toBe(1);
    expect(p.conflictOf("ns/old").blocking).toEqual([
      { other: "ns/new", devices: 1, device: "b", port: "8080/TCP" },
    ]);

    const removed = p.removeDeployment("ns/old");
    expect(flipped(removed)).toEqual({ "ns/new": ["b"] });
    expect(p.conflictOf("ns/new").withheld).toBe(0);
    expect(placed(p, "ns/new")).toEqual(["a", "b"]);
  });

  it("clash - a withheld CR holds no port; age alone decides, also after the oldest goes", () => {
    const { p } = setup();
    p.setDeployment(deployment("ns/a", listed("a"), 1000, ["80/TCP"]));
    p.setDeployment(deployment("ns/b", listed("a"), 2000, ["80/TCP", "443/TCP"]));
    p.setDeployment(deployment("ns/c", listed("a"), 3000, ["443/TCP"]));
    // b is withheld by a, so it holds nothing: c is placed beside a.
    expect(p.deploymentsOn("a")).toEqual(["ns/a", "ns/c"]);
    // Without a, b (older than c) takes both ports and c is withheld: the same
    // answer a restarted operator would give, whatever ran before.
    expect(flipped(p.removeDeployment("ns/a"))).toEqual({ "ns/b": ["a"], "ns/c": ["a"] });
    expect(p.deploymentsOn("a")).toEqual(["ns/b"]);
    expect(p.conflictOf("ns/c").example).toEqual({ device: "a", other: "ns/b", port: "443/TCP" });
  });

  it("clash - changing the port ends the clash", () => {
    const { p } = setup();
    p.setDeployment(deployment("ns/old", listed("a"), 1000, ["8080/TCP"]));
    p.setDeployment(deployment("ns/new", listed("a"), 2000, ["8080/TCP"]));
    const changes = p.setDeployment(deployment("ns/new", listed("a"), 2000, ["8081/TCP"]));
    expect(flipped(changes)).toEqual({ "ns/new": ["a"] });
    expect(p.conflictOf("ns/old").blocking).toEqual([]);
    expect(p.conflictOf("ns/new").withheld).toBe(0);
  });
});

describe("placementView", () => {
  it("placementView - targets carry each device's key and follow placement changes", () => {
    const devices = new Devices();
    devices.set("a", { app: "kiosk" });
    const p = new Placement(devices);
    p.setDeployment(deployment("ns/web.v1", selector({ app: "kiosk" })));
    const view = placementView(p);
    const first = view.targetsOf("ns/web.v1");
    expect(first).toEqual([
      { device: "a", key: desiredStateKey({ device: "a", namespace: "ns", name: "web.v1" }) },
    ]);
    expect(view.targetsOf("ns/web.v1")).toBe(first); // unchanged placement: the same list
    devices.set("b", { app: "kiosk" });
    p.deviceChanged("b");
    expect(view.targetsOf("ns/web.v1").map((t) => t.device)).toEqual(["a", "b"]);
    p.removeDeployment("ns/web.v1");
    expect(view.targetsOf("ns/web.v1")).toEqual([]);
  });

  it("placementView - a deployment deleted and created again under its name is counted on its new devices", () => {
    // The soak's stuck status: the CR created again was placed on as many devices as
    // the deleted one, so its placement version matched the deleted one's and the
    // status side kept folding the deleted CR's devices (most no longer hold it: pending).
    const p = new Placement(new Devices());
    const registry = new DeploymentRegistry(placementView(p));
    const none = { conditions: [], statusJson: undefined };
    const web = { key: "ns/web", namespace: "ns", name: "web", generation: 1 } as const;
    p.setDeployment(deployment("ns/web", listed("a", "b"), 1000));
    registry.upsert({ ...web, specProblem: undefined }, none);
    expect(registry.get("ns/web")?.targets?.map((t) => t.device)).toEqual(["a", "b"]);
    // Deleted (the reconciler forgets it; nothing reads its status meanwhile), then created again.
    registry.remove("ns/web");
    p.removeDeployment("ns/web");
    p.setDeployment(deployment("ns/web", listed("b", "c"), 2000));
    registry.upsert({ ...web, specProblem: undefined }, none);
    expect(registry.get("ns/web")?.targets?.map((t) => t.device)).toEqual(["b", "c"]);
    expect(registry.deploymentsOf("c")).toEqual(["ns/web"]);
  });
});
