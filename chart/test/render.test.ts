// `helm template`: every document parses, and the objects are exactly what the
// operator needs (kinds, RBAC rules, probes, env wiring, namespaces).
import type { V1Container, V1Deployment, V1EnvVar } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { OPERATOR_ENV_NAMES, OPERATOR_RULES, leaderElectionRules } from "./expected.js";
import { allOf, DEFAULT_NAMESPACE, kindsOf, one, render, type RenderedObject } from "./rendered.js";

const OPERATOR = "fleet-operator";
const CLUSTER_SCOPED = new Set(["ClusterRole", "ClusterRoleBinding"]);

function container(deployment: V1Deployment): V1Container {
  const first = deployment.spec?.template.spec?.containers[0];
  if (first === undefined) throw new Error(`${deployment.metadata?.name} has no container`);
  return first;
}

function env(deployment: V1Deployment): Map<string, V1EnvVar> {
  return new Map((container(deployment).env ?? []).map((e) => [e.name, e]));
}

function envValue(deployment: V1Deployment, name: string): string | undefined {
  return env(deployment).get(name)?.value;
}

const operatorDeployment = (objects: RenderedObject[]): V1Deployment =>
  one(objects, "Deployment", OPERATOR);

const DASHBOARD_VALUES = {
  dashboard: {
    enabled: true,
    natsWebsocketUrl: "wss://nats.example.com",
    ingress: {
      enabled: true,
      className: "nginx",
      host: "fleet.example.com",
      tls: { secretName: "fleet-tls" },
    },
    oidc: {
      issuerUrl: "https://id.example.com",
      clientId: "fleet-dashboard",
      clientSecret: { existingSecret: "fleet-oidc", key: "secret" },
      scopes: ["openid", "profile", "urn:zitadel:iam:org:project:roles"],
    },
  },
};

describe("chart - render", () => {
  it("render - default values give exactly the operator's objects", async () => {
    const objects = await render();
    expect(kindsOf(objects)).toEqual([
      "ClusterRole",
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
    const role = one(objects, "ClusterRole");
    expect(role.rules).toStrictEqual(OPERATOR_RULES);
    const binding = one(objects, "ClusterRoleBinding");
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
      const c = container(deployment);
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
        nats: { url: "nats://a:4222,nats://b:4222" },
      },
    });
    const deployment = operatorDeployment(objects);
    const c = container(deployment);
    expect(deployment.spec?.replicas).toBe(2);
    expect(c.image).toBe("registry.example.com/fleet/iot-operator:0.1.0-rc.1");
    expect(c.args).toEqual(["run"]);
    // Helm merges maps with the defaults: the default memory request stays.
    expect(c.resources).toStrictEqual({
      requests: { cpu: "200m", memory: "128Mi" },
      limits: { memory: "1Gi" },
    });
    const values = Object.fromEntries([...env(deployment)].map(([k, v]) => [k, v.value]));
    expect(values).toStrictEqual({
      NATS_URL: "nats://a:4222,nats://b:4222",
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
    expect(env(deployment).get("POD_NAME")?.valueFrom).toStrictEqual({
      fieldRef: { fieldPath: "metadata.name" },
    });
    expect(one(objects, "Role").rules).toStrictEqual(leaderElectionRules("my-lease"));
  });

  it("render - the default image is the chart's appVersion and env names are all known to the operator", async () => {
    const deployment = operatorDeployment(
      await render({ values: { nats: { credentialsSecret: { name: "creds" } } } }),
    );
    expect(container(deployment).image).toBe("iot-operator:0.1.0");
    for (const name of env(deployment).keys()) expect(OPERATOR_ENV_NAMES, name).toContain(name);
  });

  it("render - the NATS credentials Secret is mounted read-only and its file path handed over", async () => {
    const plain = operatorDeployment(await render());
    expect(plain.spec?.template.spec?.volumes).toBeUndefined();
    expect(env(plain).has("NATS_CREDENTIALS_FILE")).toBe(false);

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
    const mount = container(deployment).volumeMounts?.[0];
    expect(mount).toMatchObject({ name: "nats-credentials", readOnly: true });
    expect(envValue(deployment, "NATS_CREDENTIALS_FILE")).toBe(
      `${mount?.mountPath ?? ""}/op.creds`,
    );
    // The non-root user reads the file through the pod's fsGroup.
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000 });
  });

  it("render - watchNamespace swaps the ClusterRole for a Role in that namespace", async () => {
    const objects = await render({ values: { operator: { watchNamespace: "apps" } } });
    expect(objects.some((o) => CLUSTER_SCOPED.has(o.kind))).toBe(false);
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

  it("render - the dashboard is off by default and complete when enabled", async () => {
    expect((await render()).some((o) => o.metadata.name.endsWith("-dashboard"))).toBe(false);
    const objects = await render({ values: DASHBOARD_VALUES });
    const deployment = one(objects, "Deployment", "fleet-dashboard");
    const c = container(deployment);
    expect(c.image).toBe("fleet-web:0.1.0");
    expect(c.ports).toStrictEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    expect(Object.fromEntries([...env(deployment)].map(([k, v]) => [k, v.value]))).toStrictEqual({
      PORT: "3000",
      OIDC_ISSUER_URL: "https://id.example.com",
      OIDC_CLIENT_ID: "fleet-dashboard",
      OIDC_CLIENT_SECRET: undefined,
      OIDC_SCOPES: "openid profile urn:zitadel:iam:org:project:roles",
      NATS_WS_URL: "wss://nats.example.com",
    });
    expect(env(deployment).get("OIDC_CLIENT_SECRET")?.valueFrom).toStrictEqual({
      secretKeyRef: { name: "fleet-oidc", key: "secret" },
    });
    const service = one(objects, "Service", "fleet-dashboard");
    expect(service.spec?.selector).toStrictEqual(deployment.spec?.selector.matchLabels);
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 80, targetPort: "http" });
    const ingress = one(objects, "Ingress");
    expect(ingress.spec?.ingressClassName).toBe("nginx");
    expect(ingress.spec?.tls).toStrictEqual([
      { hosts: ["fleet.example.com"], secretName: "fleet-tls" },
    ]);
    expect(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toStrictEqual({
      name: "fleet-dashboard",
      port: { name: "http" },
    });
    // The dashboard acts as the signed-in user: its ServiceAccount is bound to nothing.
    const sa = one(objects, "ServiceAccount", "fleet-dashboard");
    const bindings = allOf(objects, ["RoleBinding", "ClusterRoleBinding"]);
    for (const b of bindings) {
      expect(b.subjects?.map((s) => s.name)).not.toContain(sa.metadata?.name);
    }
  });
});
