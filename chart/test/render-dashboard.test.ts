// `helm template` with dashboard.enabled: the environment is exactly what
// apps/web/src/env.ts reads, and the RBAC is exactly apps/web's typed RBAC.
import type { V1ClusterRoleBinding, V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { DASHBOARD_VALUES } from "./dashboard-values.js";
import { ENROLLMENT_VALUES } from "./identity-values.js";
import { CHART_DIR, helm, type Values } from "./helm.js";
import {
  DASHBOARD_ENV_NAMES,
  DASHBOARD_REQUIRED_ENV_NAMES,
  deployerClusterRole,
  ROLE_GROUPS,
  viewerClusterRole,
} from "./expected.js";
import {
  allOf,
  containerOf,
  envOf,
  envValues,
  one,
  render,
  type RenderedObject,
  type RenderOptions,
} from "./rendered.js";

const DASHBOARD = "fleet-dashboard";

/** DASHBOARD_VALUES with some dashboard settings replaced (one level deep). */
const withDashboard = (overrides: Values): Values => ({
  dashboard: { ...DASHBOARD_VALUES.dashboard, ...overrides },
});

async function dashboardDeployment(options: RenderOptions = {}): Promise<V1Deployment> {
  return one(await render({ values: DASHBOARD_VALUES, ...options }), "Deployment", DASHBOARD);
}

async function dashboardUrl(overrides: Values): Promise<string | undefined> {
  const deployment = await dashboardDeployment({ values: withDashboard(overrides) });
  return envOf(deployment).get("DASHBOARD_URL")?.value;
}

function bindingOf(objects: RenderedObject[], name: string): V1ClusterRoleBinding {
  return one(objects, "ClusterRoleBinding", name);
}

describe("chart - render the dashboard", () => {
  it("dashboard - off by default; when enabled, its Deployment, Service and Ingress fit together", async () => {
    expect((await render()).some((o) => o.metadata.name.includes("-dashboard"))).toBe(false);
    const objects = await render({ values: DASHBOARD_VALUES });
    const deployment = one(objects, "Deployment", DASHBOARD);
    const c = containerOf(deployment);
    expect(c.image).toBe("fleet-web:0.1.0");
    expect(c.ports).toStrictEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    expect(deployment.spec?.template.spec?.serviceAccountName).toBe(DASHBOARD);
    const service = one(objects, "Service", DASHBOARD);
    expect(service.spec?.selector).toStrictEqual(deployment.spec?.selector.matchLabels);
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 80, targetPort: "http" });
    const ingress = one(objects, "Ingress");
    expect(ingress.spec?.ingressClassName).toBe("nginx");
    expect(ingress.spec?.tls).toStrictEqual([
      { hosts: ["fleet.example.com"], secretName: "fleet-tls" },
    ]);
    expect(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toStrictEqual({
      name: DASHBOARD,
      port: { name: "http" },
    });
  });

  it("dashboard - sets only variables the app reads (and PORT), and every one it requires", async () => {
    const deployment = await dashboardDeployment({
      values: withDashboard({ sessionSecret: { existingSecret: "fleet-session" } }),
    });
    const names = [...envOf(deployment).keys()];
    for (const name of names) {
      if (name !== "PORT") expect(DASHBOARD_ENV_NAMES, name).toContain(name);
    }
    for (const name of DASHBOARD_REQUIRED_ENV_NAMES) {
      expect(DASHBOARD_ENV_NAMES, name).toContain(name);
      expect(names, name).toContain(name);
    }
    // In a pod the app uses its ServiceAccount; a kubeconfig would override it.
    expect(names).not.toContain("KUBECONFIG");
    expect(names).not.toContain("KUBE_CONTEXT");
  });

  it("dashboard - every value reaches the app's environment, secrets by reference", async () => {
    const deployment = await dashboardDeployment({
      values: {
        nats: { url: "nats://nats.messaging.svc:4222" },
        ...withDashboard({
          liveAuth: { existingSecret: "live", ticketKey: "tickets.pem" },
          sessionSecret: { existingSecret: "fleet-session", key: "cookie" },
          heartbeatPeriodMs: 2000,
          logLevel: "debug",
          containerPort: 8443,
        }),
      },
    });
    expect(envValues(deployment)).toStrictEqual({
      PORT: "8443",
      OIDC_ISSUER: "https://id.example.com",
      OIDC_CLIENT_ID: "fleet-dashboard",
      OIDC_CLIENT_SECRET: undefined,
      NATS_URL: "nats://nats.messaging.svc:4222",
      NATS_WS_URL: "wss://nats.example.com",
      LIVE_TICKET_KEY_FILE: "/etc/fleet-dashboard/live-auth/tickets.pem",
      DASHBOARD_URL: "https://fleet.example.com",
      SESSION_SECRET: undefined,
      HEARTBEAT_PERIOD_MS: "2000",
      LOG_LEVEL: "debug",
    });
    const env = envOf(deployment);
    expect(env.get("OIDC_CLIENT_SECRET")?.valueFrom).toStrictEqual({
      secretKeyRef: { name: "fleet-oidc", key: "secret" },
    });
    expect(env.get("SESSION_SECRET")?.valueFrom).toStrictEqual({
      secretKeyRef: { name: "fleet-session", key: "cookie" },
    });
    // The ticket key comes from its Secret, mounted read-only where the variable points;
    // the callout's keys and credentials are the identity service's, not the dashboard's.
    const pod = deployment.spec?.template.spec;
    expect(pod?.volumes?.find((v) => v.name === "live-auth")?.secret).toStrictEqual({
      secretName: "live",
      items: [{ key: "tickets.pem", path: "tickets.pem" }],
      defaultMode: 292,
    });
    expect(pod?.containers[0]?.volumeMounts).toContainEqual({
      name: "live-auth",
      mountPath: "/etc/fleet-dashboard/live-auth",
      readOnly: true,
    });
  });

  it("dashboard - defaults: the ticket key file, 5 s heartbeats, info logs, readiness from /api/readyz", async () => {
    const deployment = await dashboardDeployment();
    const env = envOf(deployment);
    expect(env.get("LIVE_TICKET_KEY_FILE")?.value).toBe(
      "/etc/fleet-dashboard/live-auth/ticket-key.pem",
    );
    expect(deployment.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.path).toBe(
      "/api/readyz",
    );
    expect(env.get("NATS_URL")?.value).toBe("nats://nats.nats.svc.cluster.local:4222");
    expect(env.get("HEARTBEAT_PERIOD_MS")?.value).toBe("5000");
    expect(env.get("LOG_LEVEL")?.value).toBe("info");
  });

  it("dashboard - DASHBOARD_URL: publicUrl, else the Ingress host (https with TLS), else unset", async () => {
    const ingress = DASHBOARD_VALUES.dashboard.ingress;
    expect(await dashboardUrl({})).toBe("https://fleet.example.com");
    expect(await dashboardUrl({ ingress: { ...ingress, tls: { secretName: "" } } })).toBe(
      "http://fleet.example.com",
    );
    expect(await dashboardUrl({ publicUrl: "https://dash.example.org" })).toBe(
      "https://dash.example.org",
    );
    expect(await dashboardUrl({ ingress: { ...ingress, enabled: false } })).toBeUndefined();
  });

  it("dashboard - SESSION_SECRET always comes from the named Secret (no derived fallback)", async () => {
    const env = envOf(await dashboardDeployment());
    expect(env.get("SESSION_SECRET")?.valueFrom).toStrictEqual({
      secretKeyRef: { name: "fleet-session", key: "session-secret" },
    });
  });

  it("dashboard - a NATS .creds Secret is mounted read-only and its path handed over", async () => {
    const plain = await dashboardDeployment();
    expect(envOf(plain).has("NATS_CREDENTIALS_FILE")).toBe(false);
    expect(plain.spec?.template.spec?.volumes?.map((v) => v.name)).toStrictEqual(["live-auth"]);
    const deployment = await dashboardDeployment({
      values: withDashboard({ natsCredentialsSecret: { name: "web-nats", key: "web.creds" } }),
    });
    const mount = containerOf(deployment).volumeMounts?.find((m) => m.name === "nats-credentials");
    expect(mount).toMatchObject({ name: "nats-credentials", readOnly: true });
    expect(envOf(deployment).get("NATS_CREDENTIALS_FILE")?.value).toBe(
      `${mount?.mountPath}/web.creds`,
    );
    const volume = deployment.spec?.template.spec?.volumes?.find(
      (v) => v.name === "nats-credentials",
    );
    expect(volume?.secret).toMatchObject({
      secretName: "web-nats",
      items: [{ key: "web.creds", path: "web.creds" }],
    });
  });

  it("dashboard - device provisioning: off by default; on, the admin key is mounted 0440 for the pod's fsGroup only", async () => {
    const plain = await dashboardDeployment();
    for (const name of ["ZITADEL_ADMIN_KEY_FILE", "ZITADEL_PROJECT_ID", "DEVICE_NATS_URL"])
      expect(envOf(plain).has(name), name).toBe(false);
    expect(plain.spec?.template.spec?.securityContext?.fsGroup).toBeUndefined();
    const deviceProvisioning = {
      adminKeySecret: { existingSecret: "fleet-provisioner", key: "key.json" },
      projectId: "290500000000000001",
      deviceNatsUrl: "tls://nats.example.com:4222",
    };
    const deployment = await dashboardDeployment({ values: withDashboard({ deviceProvisioning }) });
    const mount = containerOf(deployment).volumeMounts?.find((m) => m.name === "provisioning-key");
    expect(mount).toMatchObject({ readOnly: true });
    expect(envValues(deployment)).toMatchObject({
      ZITADEL_ADMIN_KEY_FILE: `${mount?.mountPath}/key.json`,
      ZITADEL_PROJECT_ID: "290500000000000001",
      DEVICE_NATS_URL: "tls://nats.example.com:4222",
    });
    const pod = deployment.spec?.template.spec;
    expect(pod?.volumes?.find((v) => v.name === "provisioning-key")?.secret).toStrictEqual({
      secretName: "fleet-provisioner",
      items: [{ key: "key.json", path: "key.json" }],
      defaultMode: 0o440,
    });
    expect(pod?.securityContext?.fsGroup).toBe(1000);
  });

  it("dashboard - Add device: the enrollment API's URL (and the devices' CA path) when iot-identity serves it", async () => {
    const plain = await dashboardDeployment();
    for (const name of ["ENROLLMENT_URL", "ENROLLMENT_SERVER_CA"])
      expect(envOf(plain).has(name), name).toBe(false);
    const values = {
      ...DASHBOARD_VALUES,
      identity: {
        ...ENROLLMENT_VALUES.identity,
        enrollment: {
          ...ENROLLMENT_VALUES.identity.enrollment,
          deviceServerCaPath: "/etc/fleet/ca.pem",
        },
      },
    };
    const objects = await render({ values });
    expect(envValues(one(objects, "Deployment", DASHBOARD))).toMatchObject({
      ENROLLMENT_URL: "https://enroll.fleet.example.com",
      ENROLLMENT_SERVER_CA: "/etc/fleet/ca.pem",
    });
  });

  it("dashboard - device provisioning without its project or the devices' NATS URL fails, naming it", async () => {
    const adminKeySecret = { existingSecret: "fleet-provisioner" };
    for (const [missing, deviceProvisioning] of [
      ["projectId", { adminKeySecret, deviceNatsUrl: "tls://nats.example.com:4222" }],
      ["deviceNatsUrl", { adminKeySecret, projectId: "290500000000000001" }],
    ] as const) {
      const result = await helm(
        ["template", "fleet", CHART_DIR],
        withDashboard({ deviceProvisioning }),
      );
      expect(result.exitCode, missing).not.toBe(0);
      expect(result.all).toContain(`dashboard.deviceProvisioning.${missing} is required`);
    }
  });

  it("dashboard - ClusterRoles have exactly apps/web's rules, bound to its groups", async () => {
    const objects = await render({
      release: "edge",
      namespace: "team-a",
      values: DASHBOARD_VALUES,
    });
    const prefix = "edge-fleet-dashboard";
    const expected = [
      { name: `${prefix}-viewer`, role: viewerClusterRole(), group: ROLE_GROUPS.viewer },
      { name: `${prefix}-deployer`, role: deployerClusterRole(), group: ROLE_GROUPS.deployer },
    ];
    for (const { name, role, group } of expected) {
      expect(one(objects, "ClusterRole", name).rules, name).toStrictEqual(role.rules);
      const binding = bindingOf(objects, name);
      expect(binding.roleRef).toStrictEqual({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name,
      });
      expect(binding.subjects).toStrictEqual([
        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group },
      ]);
    }
    const dashboardRbac = allOf(objects, ["ClusterRole", "ClusterRoleBinding"]).filter((o) =>
      o.metadata?.name?.startsWith(prefix),
    );
    expect(dashboardRbac).toHaveLength(4);
  });

  it("dashboard - its ServiceAccount is bound to nothing, and no rule grants impersonate", async () => {
    const objects = await render({ values: DASHBOARD_VALUES });
    const sa = one(objects, "ServiceAccount", DASHBOARD);
    const roles = allOf(objects, ["RoleBinding", "ClusterRoleBinding"])
      .filter((b) =>
        b.subjects?.some((s) => s.kind === "ServiceAccount" && s.name === sa.metadata?.name),
      )
      .map((b) => b.roleRef.name);
    expect(roles).toStrictEqual([]);
    const verbs = allOf(objects, ["Role", "ClusterRole"]).flatMap((r) =>
      (r.rules ?? []).flatMap((rule) => rule.verbs),
    );
    expect(verbs).not.toContain("impersonate");
  });
});
