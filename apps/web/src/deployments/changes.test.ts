import type { DeploymentResource } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { applyPageToList, applyToList, followOne, type DeploymentChange } from "./changes";

const deployment = (namespace: string, name: string, image = "localhost/x:1"): DeploymentResource =>
  ({
    apiVersion: "iot.nationtech.io/v1alpha1",
    kind: "Deployment",
    metadata: { namespace, name },
    spec: {
      targetDevices: ["pi-1"],
      score: { PodmanV0: { services: [{ name: "web", image, ports: [] }] } },
    },
  }) as unknown as DeploymentResource;

const names = (list: readonly DeploymentResource[]): string[] =>
  list.map((d) => `${d.metadata.namespace}/${d.metadata.name}`);

describe("pushed CR changes - the deployments list", () => {
  const list = [deployment("a", "one"), deployment("b", "two")];

  it("a snapshot replaces the list, sorted", () => {
    const change: DeploymentChange = {
      type: "snapshot",
      items: [deployment("z", "last"), deployment("a", "first")],
    };
    expect(names(applyToList(list, change))).toEqual(["a/first", "z/last"]);
  });

  it("an upsert replaces the same deployment in place and inserts a new one in order", () => {
    const upgraded = deployment("a", "one", "localhost/x:2");
    const after = applyToList(list, { type: "upsert", item: upgraded });
    expect(names(after)).toEqual(["a/one", "b/two"]);
    expect(after[0]).toBe(upgraded);
    expect(names(applyToList(list, { type: "upsert", item: deployment("a", "p") }))).toEqual([
      "a/one",
      "a/p",
      "b/two",
    ]);
  });

  it("a deletion removes only that deployment (same name, other namespace stays)", () => {
    const twins = [deployment("a", "web"), deployment("b", "web")];
    expect(names(applyToList(twins, { type: "deleted", item: deployment("a", "web") }))).toEqual([
      "b/web",
    ]);
  });

  it("never changes the list it was given", () => {
    const before = names(list);
    applyToList(list, { type: "deleted", item: deployment("a", "one") });
    applyToList(list, { type: "upsert", item: deployment("c", "three") });
    expect(names(list)).toEqual(before);
  });
});

describe("pushed CR changes - one deployment's page", () => {
  const id = { namespace: "a", name: "web" };

  it("a snapshot with the deployment shows it; one without it means deleted", () => {
    const mine = deployment("a", "web");
    expect(followOne({ type: "snapshot", items: [mine] }, id)).toEqual({
      state: "present",
      deployment: mine,
    });
    expect(followOne({ type: "snapshot", items: [] }, id)).toEqual({ state: "deleted" });
  });

  it("follows an upgrade and a deletion of its own deployment", () => {
    const upgraded = deployment("a", "web", "localhost/x:2");
    expect(followOne({ type: "upsert", item: upgraded }, id)).toEqual({
      state: "present",
      deployment: upgraded,
    });
    expect(followOne({ type: "deleted", item: upgraded }, id)).toEqual({ state: "deleted" });
  });

  it("ignores changes to other deployments", () => {
    expect(followOne({ type: "deleted", item: deployment("b", "web") }, id)).toBeUndefined();
    expect(followOne({ type: "upsert", item: deployment("a", "api") }, id)).toBeUndefined();
  });

  it("carries what it learnt into the list", () => {
    const list = [deployment("a", "web"), deployment("b", "web")];
    expect(names(applyPageToList(list, id, { state: "deleted" }))).toEqual(["b/web"]);
    const upgraded = deployment("a", "web", "localhost/x:2");
    const after = applyPageToList(list, id, { state: "present", deployment: upgraded });
    expect(after[0]).toBe(upgraded);
    expect(after).toHaveLength(2);
  });
});
