// `helm template` with identity.enabled: the environment is exactly what
// apps/identity's settings read, secrets are files from one Secret, and the
// RBAC is exactly what its Device policy source uses.
import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { helm, CHART_DIR, type Values } from "./helm.js";
import { ENROLLMENT_VALUES, IDENTITY_VALUES } from "./identity-values.js";
import { IDENTITY_ENV_NAMES, IDENTITY_REQUIRED_ENV_NAMES, IDENTITY_RULES } from "./expected.js";
import {
  allOf,
  containerOf,
  envOf,
  envValues,
  one,
  render,
  type RenderOptions,
} from "./rendered.js";

const IDENTITY = "fleet-identity";
const SECRETS_DIR = "/etc/iot-identity/secrets";

/** IDENTITY_VALUES with some identity settings replaced (one level deep). */
const withIdentity = (overrides: Values): Values => ({
  identity: { ...IDENTITY_VALUES.identity, ...overrides },
});

async function identityDeployment(options: RenderOptions = {}): Promise<V1Deployment> {
  return one(await render({ values: IDENTITY_VALUES, ...options }), "Deployment", IDENTITY);
}

describe("chart - render the identity service", () => {
  it("identity - off by default; when enabled, its Deployment, ServiceAccount and metrics Service fit together", async () => {
    expect((await render()).some((o) => o.metadata.name.includes("-identity"))).toBe(false);
    const objects = await render({ values: IDENTITY_VALUES });
    const deployment = one(objects, "Deployment", IDENTITY);
    expect(containerOf(deployment).image).toBe("iot-identity:0.1.0");
    expect(deployment.spec?.replicas).toBe(2);
    const pod = deployment.spec?.template.spec;
    expect(pod?.serviceAccountName).toBe(one(objects, "ServiceAccount", IDENTITY).metadata?.name);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const service = one(objects, "Service", `${IDENTITY}-metrics`);
    expect(service.spec?.selector).toStrictEqual(deployment.spec?.selector.matchLabels);
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 8080, targetPort: "http" });
    // No NetworkPolicy by default: clusters differ too much in what must reach NATS.
    expect(objects.some((o) => o.kind === "NetworkPolicy")).toBe(false);
  });

  it("identity - sets only variables the service reads, and every one it requires", async () => {
    const names = [...envOf(await identityDeployment()).keys()];
    for (const name of names) expect(IDENTITY_ENV_NAMES, name).toContain(name);
    for (const name of IDENTITY_REQUIRED_ENV_NAMES) expect(names, name).toContain(name);
    // In a pod the service uses its ServiceAccount; a kubeconfig would override it.
    expect(names).not.toContain("KUBECONFIG");
  });

  it("identity - every value reaches the environment; secrets are files from one Secret, read-only", async () => {
    const deployment = await identityDeployment({
      values: {
        nats: { url: "nats://nats.messaging.svc:4222" },
        ...withIdentity({
          account: "FLEET",
          deviceJwtMaxLifetimeSeconds: 900,
          httpPort: 9090,
          logLevel: "debug",
          idp: {
            issuerUrl: "https://fleet.zitadel.cloud",
            projectId: "31415",
            caSecret: { name: "company-ca", key: "root.pem" },
          },
          secrets: { existingSecret: "ids", systemCredentials: "kick.creds" },
        }),
      },
    });
    expect(envValues(deployment)).toStrictEqual({
      NATS_URL: "nats://nats.messaging.svc:4222",
      NATS_CREDENTIALS_FILE: `${SECRETS_DIR}/identity.creds`,
      NATS_SYSTEM_CREDENTIALS_FILE: `${SECRETS_DIR}/kick.creds`,
      NATS_CALLOUT_ISSUER_SEED_FILE: `${SECRETS_DIR}/callout-issuer.nk`,
      NATS_CALLOUT_XKEY_SEED_FILE: `${SECRETS_DIR}/callout-xkey.nk`,
      NATS_CALLOUT_ACCOUNT: "FLEET",
      BROWSER_TICKET_PUBLIC_KEY_FILE: `${SECRETS_DIR}/ticket-key.pub.pem`,
      OIDC_ISSUER: "https://fleet.zitadel.cloud",
      ZITADEL_PROJECT_ID: "31415",
      OIDC_CA_FILE: "/etc/iot-identity/idp-ca/root.pem",
      DEVICE_JWT_MAX_LIFETIME_SECONDS: "900",
      HTTP_PORT: "9090",
      LOG_LEVEL: "debug",
    });
    const pod = deployment.spec?.template.spec;
    expect(pod?.volumes?.find((v) => v.name === "secrets")?.secret).toStrictEqual({
      secretName: "ids",
      items: [
        "identity.creds",
        "kick.creds",
        "callout-issuer.nk",
        "callout-xkey.nk",
        "ticket-key.pub.pem",
      ].map((key) => ({ key, path: key })),
      defaultMode: 288,
    });
    expect(pod?.volumes?.find((v) => v.name === "idp-ca")?.secret).toMatchObject({
      secretName: "company-ca",
      items: [{ key: "root.pem", path: "root.pem" }],
    });
    const mounts = containerOf(deployment).volumeMounts ?? [];
    expect(mounts).toContainEqual({ name: "secrets", mountPath: SECRETS_DIR, readOnly: true });
    expect(mounts.every((m) => m.readOnly === true)).toBe(true);
    expect(containerOf(deployment).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
  });

  it("identity - defaults: the global account, 1 h device JWTs, probes on /healthz and /readyz, no CA", async () => {
    const deployment = await identityDeployment();
    const env = envOf(deployment);
    expect(env.get("NATS_CALLOUT_ACCOUNT")?.value).toBe("$G");
    expect(env.get("DEVICE_JWT_MAX_LIFETIME_SECONDS")?.value).toBe("3600");
    expect(env.has("OIDC_CA_FILE")).toBe(false);
    const container = containerOf(deployment);
    expect(container.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(container.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(deployment.spec?.template.spec?.volumes?.map((v) => v.name)).toStrictEqual(["secrets"]);
  });

  it("identity - its ClusterRole grants exactly what it does with Devices and EnrollmentTokens, bound to its ServiceAccount", async () => {
    const objects = await render({ release: "edge", namespace: "team-a", values: IDENTITY_VALUES });
    const name = "edge-fleet-identity";
    expect(one(objects, "ClusterRole", name).rules).toStrictEqual(IDENTITY_RULES);
    const binding = one(objects, "ClusterRoleBinding", name);
    expect(binding.roleRef).toStrictEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name,
    });
    expect(binding.subjects).toStrictEqual([{ kind: "ServiceAccount", name, namespace: "team-a" }]);
    const bound = allOf(objects, ["RoleBinding", "ClusterRoleBinding"]).filter((b) =>
      b.subjects?.some((s) => s.kind === "ServiceAccount" && s.name === name),
    );
    expect(bound.map((b) => b.roleRef.name)).toStrictEqual([name]);
  });

  it("identity - enrollment: off by default; on, the admin key and TLS Secret are mounted 0440, its settings set, a Service in front", async () => {
    const off = await render({ values: IDENTITY_VALUES });
    expect(off.some((o) => o.metadata.name.endsWith("-enrollment"))).toBe(false);
    const offEnv = envOf(one(off, "Deployment", IDENTITY));
    for (const name of ["ZITADEL_ADMIN_KEY_FILE", "ENROLLMENT_PORT", "ENROLLMENT_PUBLIC_URL"])
      expect(offEnv.has(name), name).toBe(false);

    const objects = await render({ values: ENROLLMENT_VALUES });
    const deployment = one(objects, "Deployment", IDENTITY);
    const env = envValues(deployment);
    expect(env).toMatchObject({
      ZITADEL_ADMIN_KEY_FILE: "/etc/iot-identity/idp-admin/zitadel.json",
      ENROLLMENT_PORT: "8443",
      ENROLLMENT_TLS_CERT_FILE: "/etc/iot-identity/enrollment-tls/tls.crt",
      ENROLLMENT_TLS_KEY_FILE: "/etc/iot-identity/enrollment-tls/tls.key",
      ENROLLMENT_PUBLIC_URL: "https://enroll.fleet.example.com",
      DEVICE_NATS_URL: "tls://nats.fleet.example.com:4222",
    });
    for (const name of Object.keys(env)) expect(IDENTITY_ENV_NAMES, name).toContain(name);
    const volumes = deployment.spec?.template.spec?.volumes ?? [];
    expect(volumes.find((v) => v.name === "idp-admin-key")?.secret).toStrictEqual({
      secretName: "fleet-idp-admin",
      items: [{ key: "zitadel.json", path: "zitadel.json" }],
      defaultMode: 288,
    });
    expect(volumes.find((v) => v.name === "enrollment-tls")?.secret).toStrictEqual({
      secretName: "enroll-tls",
      items: ["tls.crt", "tls.key"].map((key) => ({ key, path: key })),
      defaultMode: 288,
    });
    const container = containerOf(deployment);
    expect(container.volumeMounts?.every((m) => m.readOnly === true)).toBe(true);
    expect(container.ports).toContainEqual({
      name: "enrollment",
      containerPort: 8443,
      protocol: "TCP",
    });
    const service = one(objects, "Service", `${IDENTITY}-enrollment`);
    expect(service.spec?.selector).toStrictEqual(deployment.spec?.selector.matchLabels);
    expect(service.spec?.ports).toStrictEqual([
      { name: "https", port: 443, targetPort: "enrollment", protocol: "TCP" },
    ]);
  });

  it("identity - the admin key alone turns on the registrar without the enrollment API", async () => {
    const deployment = await identityDeployment({
      values: withIdentity({
        idp: { ...IDENTITY_VALUES.identity.idp, adminKeySecret: { existingSecret: "adm" } },
      }),
    });
    expect(envValues(deployment).ZITADEL_ADMIN_KEY_FILE).toBe(
      "/etc/iot-identity/idp-admin/admin-key.json",
    );
    expect(envOf(deployment).has("ENROLLMENT_PUBLIC_URL")).toBe(false);
  });

  it("identity - enrollment refuses to render without the admin key, public URL or TLS Secret, naming the value", async () => {
    const missing = async (overrides: Values): Promise<string> => {
      const values = {
        identity: {
          ...ENROLLMENT_VALUES.identity,
          ...overrides,
        },
      };
      const result = await helm(["template", "fleet", CHART_DIR], values);
      expect(result.exitCode).not.toBe(0);
      return result.all;
    };
    const enrollment = ENROLLMENT_VALUES.identity.enrollment;
    expect(await missing({ idp: IDENTITY_VALUES.identity.idp })).toContain(
      "identity.idp.adminKeySecret.existingSecret is required when identity.enrollment.enabled is true",
    );
    expect(await missing({ enrollment: { ...enrollment, publicUrl: "" } })).toContain(
      "identity.enrollment.publicUrl is required",
    );
    expect(await missing({ enrollment: { ...enrollment, tlsSecret: "" } })).toContain(
      "identity.enrollment.tlsSecret is required",
    );
    expect(await missing({ enrollment: { ...enrollment, publicUrl: "http://x.example" } })).toMatch(
      /publicUrl/,
    );
  });

  it("identity - refuses to render without its Secret, issuer or project, naming the value", async () => {
    const missing = async (overrides: Values): Promise<string> => {
      const result = await helm(["template", "fleet", CHART_DIR], withIdentity(overrides));
      expect(result.exitCode).not.toBe(0);
      return result.all;
    };
    expect(await missing({ secrets: { existingSecret: "" } })).toContain(
      "identity.secrets.existingSecret is required",
    );
    expect(await missing({ idp: { issuerUrl: "", projectId: "1" } })).toContain(
      "identity.idp.issuerUrl is required",
    );
    expect(await missing({ idp: { issuerUrl: "https://id.example.com" } })).toContain(
      "identity.idp.projectId is required",
    );
  });
});
