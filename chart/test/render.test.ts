// `helm template`: every document parses, and the objects are exactly what the
// operator needs (kinds, RBAC rules, probes, env wiring, namespaces). The
// dashboard's objects: render-dashboard.test.ts.
import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { DASHBOARD_VALUES } from "./dashboard-values.js";
import {
  OPERATOR_DEVICE_RULES,
  OPERATOR_ENV_NAMES,
  OPERATOR_RULES,
  leaderElectionRules,
} from "./expected.js";
import {
  containerOf,
  DEFAULT_NAMESPACE,
  envOf,
  envValues,
  kindsOf,
  one,
  render,
  type RenderedObject,
} from "./rendered.js";

const OPERATOR = "fleet-operator";
const CLUSTER_SCOPED = new Set(["ClusterRole", "ClusterRoleBinding"]);

function envValue(deployment: V1Deployment, name: string): string | undefined {
  return envOf(deployment).get(name)?.value;
}

const operatorDeployment = (objects: RenderedObject[]): V1Deployment =>
  one(objects, "Deployment", OPERATOR);

describe("chart - render", () => {
  it("render - default values give exactly the operator's objects", async () => {
    const objects = await render();
    expect(kindsOf(objects)).toEqual([
      "ClusterRole",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "Deployment",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
    for (const o of objects)
      expect(o.metadata.labels?.["app.kubernetes.io/instance"]).toBe("fleet");
  });

  it("render - the ClusterRole grants exactly what the operator uses, bound to its ServiceAccount", async () => {
    const objects = await render();
    const role = one(objects, "ClusterRole", OPERATOR);
    expect(role.rules).toStrictEqual(OPERATOR_RULES);
    const binding = one(objects, "ClusterRoleBinding", OPERATOR);
    expect(binding.roleRef).toStrictEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: role.metadata?.name,
    });
    const sa = one(objects, "ServiceAccount");
    expect(binding.subjects).toStrictEqual([
      { kind: "ServiceAccount", name: sa.metadata?.name, namespace: DEFAULT_NAMESPACE },
    ]);
    expect(operatorDeployment(objects).spec?.template.spec?.serviceAccountName).toBe(
      sa.metadata?.name,
    );
  });

  it("render - leader election is a Role in the release namespace, limited to the operator's Lease", async () => {
    const objects = await render({ namespace: "edge-system" });
    const deployment = operatorDeployment(objects);
    expect(envValue(deployment, "LEASE_NAMESPACE")).toBe("edge-system");
    const leaseName = envValue(deployment, "LEASE_NAME");
    expect(leaseName).toBe("fleet-leader");
    const role = one(objects, "Role");
    expect(role.metadata?.namespace).toBe("edge-system");
    expect(role.rules).toStrictEqual(leaderElectionRules(leaseName ?? ""));
    const binding = one(objects, "RoleBinding");
    expect(binding.roleRef.name).toBe(role.metadata?.name);
    expect(binding.subjects?.[0]?.namespace).toBe("edge-system");
  });

  it("render - namespaced objects are in the release namespace, cluster-scoped ones in none", async () => {
    const objects = await render({
      release: "edge",
      namespace: "team-a",
      values: { ...DASHBOARD_VALUES, nats: { credentialsSecret: { name: "creds" } } },
    });
    expect(objects.length).toBeGreaterThan(7);
    for (const o of objects) {
      const where = `${o.kind}/${o.metadata.name}`;
      if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace, where).toBeUndefined();
      else expect(o.metadata.namespace, where).toBe("team-a");
    }
  });

  it("render - probes hit /healthz and /readyz on the port the operator is told to serve", async () => {
    for (const httpPort of [8080, 9443]) {
      const deployment = operatorDeployment(await render({ values: { operator: { httpPort } } }));
      const c = containerOf(deployment);
      expect(envValue(deployment, "HTTP_PORT")).toBe(String(httpPort));
      expect(c.ports).toStrictEqual([{ name: "http", containerPort: httpPort, protocol: "TCP" }]);
      expect(c.livenessProbe?.httpGet).toStrictEqual({ path: "/healthz", port: "http" });
      expect(c.readinessProbe?.httpGet).toStrictEqual({ path: "/readyz", port: "http" });
    }
  });

  it("render - every value reaches the operator's environment, and only variables it reads", async () => {
    const objects = await render({
      namespace: "ops",
      values: {
        operator: {
          image: { repository: "registry.example.com/fleet/iot-operator", tag: "0.1.0-rc.1" },
          replicas: 2,
          logLevel: "debug",
          heartbeatPeriod: "2s",
          stalenessWindow: "10s",
          statusFlushPeriod: "500ms",
          resyncPeriod: "10m",
          leaderElection: { leaseName: "my-lease", leaseDuration: "20s", renewPeriod: "5s" },
          resources: { requests: { cpu: "200m" }, limits: { memory: "1Gi" } },
        },
        nats: { url: "nats://a:4222,nats://b:4222", kvReplicas: 3 },
      },
    });
    const deployment = operatorDeployment(objects);
    const c = containerOf(deployment);
    expect(deployment.spec?.replicas).toBe(2);
    expect(c.image).toBe("registry.example.com/fleet/iot-operator:0.1.0-rc.1");
    expect(c.args).toEqual(["run"]);
    // Helm merges maps with the defaults: the default memory request stays.
    expect(c.resources).toStrictEqual({
      requests: { cpu: "200m", memory: "128Mi" },
      limits: { memory: "1Gi" },
    });
    expect(envValues(deployment)).toStrictEqual({
      NATS_URL: "nats://a:4222,nats://b:4222",
      KV_REPLICAS: "3",
      LOG_LEVEL: "debug",
      HTTP_PORT: "8080",
      HEARTBEAT_PERIOD: "2s",
      STALENESS_WINDOW: "10s",
      STATUS_FLUSH_PERIOD: "500ms",
      RESYNC_PERIOD: "10m",
      LEASE_NAMESPACE: "ops",
      LEASE_NAME: "my-lease",
      LEASE_DURATION: "20s",
      LEASE_RENEW_PERIOD: "5s",
      POD_NAME: undefined,
    });
    expect(envOf(deployment).get("POD_NAME")?.valueFrom).toStrictEqual({
      fieldRef: { fieldPath: "metadata.name" },
    });
    expect(one(objects, "Role").rules).toStrictEqual(leaderElectionRules("my-lease"));
  });

  it("render - the default image is the chart's appVersion and env names are all known to the operator", async () => {
    const deployment = operatorDeployment(
      await render({ values: { nats: { credentialsSecret: { name: "creds" } } } }),
    );
    expect(containerOf(deployment).image).toBe("iot-operator:0.1.0");
    for (const name of envOf(deployment).keys()) expect(OPERATOR_ENV_NAMES, name).toContain(name);
  });

  it("render - the NATS credentials Secret is mounted read-only and its file path handed over", async () => {
    const plain = operatorDeployment(await render());
    expect(plain.spec?.template.spec?.volumes).toBeUndefined();
    expect(envOf(plain).has("NATS_CREDENTIALS_FILE")).toBe(false);

    const deployment = operatorDeployment(
      await render({
        values: { nats: { credentialsSecret: { name: "op-creds", key: "op.creds" } } },
      }),
    );
    const pod = deployment.spec?.template.spec;
    expect(pod?.volumes).toStrictEqual([
      {
        name: "nats-credentials",
        secret: {
          secretName: "op-creds",
          items: [{ key: "op.creds", path: "op.creds" }],
          defaultMode: 0o440,
        },
      },
    ]);
    const mount = containerOf(deployment).volumeMounts?.[0];
    expect(mount).toMatchObject({ name: "nats-credentials", readOnly: true });
    expect(envValue(deployment, "NATS_CREDENTIALS_FILE")).toBe(
      `${mount?.mountPath ?? ""}/op.creds`,
    );
    // The non-root user reads the file through the pod's fsGroup.
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000 });
  });

  it("render - the operator's Device rules are a ClusterRole of their own, bound to the same ServiceAccount", async () => {
    const objects = await render();
    const role = one(objects, "ClusterRole", `${OPERATOR}-devices`);
    expect(role.rules).toStrictEqual(OPERATOR_DEVICE_RULES);
    const binding = one(objects, "ClusterRoleBinding", `${OPERATOR}-devices`);
    expect(binding.roleRef).toStrictEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: `${OPERATOR}-devices`,
    });
    expect(binding.subjects).toStrictEqual([
      { kind: "ServiceAccount", name: OPERATOR, namespace: DEFAULT_NAMESPACE },
    ]);
  });

  it("render - watchNamespace swaps the Deployment ClusterRole for a Role in that namespace; Devices stay cluster-wide", async () => {
    const objects = await render({ values: { operator: { watchNamespace: "apps" } } });
    expect(
      objects.filter((o) => CLUSTER_SCOPED.has(o.kind)).map((o) => o.metadata.name),
    ).toStrictEqual([`${OPERATOR}-devices`, `${OPERATOR}-devices`]);
    const role = one(objects, "Role", OPERATOR);
    expect(role.metadata?.namespace).toBe("apps");
    expect(role.rules).toStrictEqual(OPERATOR_RULES);
    const binding = one(objects, "RoleBinding", OPERATOR);
    expect(binding.metadata?.namespace).toBe("apps");
    expect(binding.roleRef).toMatchObject({ kind: "Role", name: OPERATOR });
    expect(binding.subjects?.[0]).toMatchObject({ name: OPERATOR, namespace: DEFAULT_NAMESPACE });
    expect(envValue(operatorDeployment(objects), "WATCH_NAMESPACE")).toBe("apps");
  });

  it("render - the metrics Service targets the operator pods' http port, and can be turned off", async () => {
    const objects = await render();
    const service = one(objects, "Service");
    const deployment = operatorDeployment(objects);
    expect(service.spec?.selector).toStrictEqual(deployment.spec?.selector.matchLabels);
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(service.spec?.selector ?? {});
    expect(service.spec?.ports).toStrictEqual([
      { name: "metrics", port: 8080, targetPort: "http", protocol: "TCP" },
    ]);
    const off = await render({
      values: { operator: { metrics: { service: { enabled: false } } } },
    });
    expect(off.some((o) => o.kind === "Service")).toBe(false);
  });
});
