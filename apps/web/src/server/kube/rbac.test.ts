import { describe, expect, it } from "vitest";
import { dashboardRbacObjects, deployerClusterRole, viewerClusterRole } from "./rbac";

describe("rbac - typed ClusterRoles", () => {
  it("lets viewers only read deployments and their status", () => {
    const rule = viewerClusterRole().rules?.[0];
    expect(rule?.apiGroups).toEqual(["iot.nationtech.io"]);
    expect(rule?.resources).toEqual(["deployments", "deployments/status"]);
    expect(rule?.verbs).toEqual(["get", "list", "watch"]);
  });

  it("lets deployers also write", () => {
    expect(deployerClusterRole().rules?.[0]?.verbs).toEqual(
      expect.arrayContaining(["create", "update", "patch", "delete", "get", "list", "watch"]),
    );
  });

  it("lets viewers only read devices", () => {
    expect(viewerClusterRole().rules?.[1]).toEqual({
      apiGroups: ["iot.nationtech.io"],
      resources: ["devices"],
      verbs: ["get", "list", "watch"],
    });
  });

  it("lets deployers create, patch and delete devices, never replace them", () => {
    const rule = deployerClusterRole().rules?.[1];
    expect(rule?.resources).toEqual(["devices"]);
    expect(rule?.verbs).toEqual(["get", "list", "watch", "create", "patch", "delete"]);
  });

  it("lets viewers only read enrollment tokens", () => {
    expect(viewerClusterRole().rules?.[2]).toEqual({
      apiGroups: ["iot.nationtech.io"],
      resources: ["enrollmenttokens"],
      verbs: ["get", "list", "watch"],
    });
  });

  it("lets deployers create, revoke (patch) and delete enrollment tokens, never their status", () => {
    const rule = deployerClusterRole().rules?.[2];
    expect(rule?.resources).toEqual(["enrollmenttokens"]);
    expect(rule?.verbs).toEqual(["get", "list", "watch", "create", "patch", "delete"]);
    const resources = deployerClusterRole().rules?.flatMap((r) => r.resources ?? []);
    expect(resources).not.toContain("enrollmenttokens/status");
    expect(resources).not.toContain("devices/status");
  });

  it("grants nobody the right to impersonate", () => {
    const verbs = dashboardRbacObjects().flatMap((o) =>
      "rules" in o ? (o.rules ?? []).flatMap((r) => r.verbs) : [],
    );
    expect(verbs).not.toContain("impersonate");
    expect(dashboardRbacObjects().map((o) => o.metadata?.name)).not.toContain(
      "fleet-dashboard-impersonator",
    );
  });

  it("binds each role to the group the API server maps it to", () => {
    const subjects = dashboardRbacObjects()
      .filter((o) => o.kind === "ClusterRoleBinding")
      .map((o) => ("subjects" in o ? o.subjects?.[0]?.name : undefined));
    expect(subjects).toEqual(["fleet:viewers", "fleet:deployers"]);
  });
});
