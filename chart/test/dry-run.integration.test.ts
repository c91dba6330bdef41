// The rendered chart and its CRD, validated by the real kube-apiserver
// (server-side dry run: admission, schema and defaulting, nothing stored).
import { describe, expect, it } from "vitest";
import { CRD_DIR } from "../scripts/crd-yaml.js";
import { clusterKubectl, connectCluster, createNamespace, runId } from "./cluster.js";
import { DASHBOARD_VALUES } from "./dashboard-values.js";
import { ENROLLMENT_VALUES } from "./identity-values.js";
import { kindsOf, parseManifests, renderText } from "./rendered.js";

describe("chart - server-side dry run", () => {
  it("dry-run - every rendered object, with every part enabled, is accepted by the API server", async () => {
    const cluster = await connectCluster();
    const namespace = await createNamespace(cluster, "chart-dry");
    const watched = await createNamespace(cluster, "chart-dry-apps");
    const manifest = await renderText({
      release: `dry-${runId}`,
      namespace,
      values: {
        operator: { watchNamespace: watched, heartbeatPeriod: "2s" },
        nats: { credentialsSecret: { name: "nats-creds" } },
        dashboard: {
          ...DASHBOARD_VALUES.dashboard,
          sessionSecret: { existingSecret: "fleet-session" },
        },
        ...ENROLLMENT_VALUES,
      },
    });
    const objects = parseManifests(manifest);
    expect(kindsOf(objects)).toContain("Ingress");
    expect(objects.map((o) => o.metadata.name)).toContain(`dry-${runId}-fleet-identity-enrollment`);
    // The viewer and deployer roles and their group bindings; nothing for the dashboard itself.
    const dashboardRbac = objects.filter((o) =>
      /-dashboard-(viewer|deployer|impersonator)$/.test(o.metadata.name),
    );
    expect(kindsOf(dashboardRbac)).toEqual([
      "ClusterRole",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
    ]);
    const started = performance.now();
    const result = await clusterKubectl(
      cluster,
      ["apply", "--dry-run=server", "-f", "-"],
      manifest,
    );
    console.log(
      `dry-run: ${objects.length} objects validated in ${Math.round(performance.now() - started)} ms`,
    );
    expect(result.exitCode, result.all).toBe(0);
    for (const o of objects) {
      expect(result.stdout).toContain(`${o.metadata.name} created (server dry run)`);
    }
  });

  it("dry-run - the default render is accepted, and a broken object would not be", async () => {
    const cluster = await connectCluster();
    const namespace = await createNamespace(cluster, "chart-dry-default");
    const manifest = await renderText({ release: `dflt-${runId}`, namespace });
    const ok = await clusterKubectl(cluster, ["apply", "--dry-run=server", "-f", "-"], manifest);
    expect(ok.exitCode, ok.all).toBe(0);
    // The same check notices a wrong field: it is a real validation, not a formality.
    const broken = manifest.replace("containerPort: 8080", "containerPort: eighty");
    expect(broken).not.toBe(manifest);
    const rejected = await clusterKubectl(
      cluster,
      ["apply", "--dry-run=server", "-f", "-"],
      broken,
    );
    expect(rejected.exitCode).not.toBe(0);
    expect(rejected.all).toContain("containerPort");
  });

  it("dry-run - the CRDs in crds/ are accepted by the API server", async () => {
    const cluster = await connectCluster();
    const result = await clusterKubectl(cluster, ["apply", "--dry-run=server", "-f", CRD_DIR]);
    expect(result.exitCode, result.all).toBe(0);
    for (const name of ["deployments.iot.nationtech.io", "devices.iot.nationtech.io"]) {
      expect(result.stdout).toContain(`customresourcedefinition.apiextensions.k8s.io/${name}`);
    }
  });
});
