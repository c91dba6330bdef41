// helm lint, and values.schema.json rejecting wrong values with the field's name.
import { describe, expect, it } from "vitest";
import { CHART_DIR, helm, type Values } from "./helm.js";

const BAD_VALUES: { field: string; values: Values }[] = [
  { field: "/operator/replicas", values: { operator: { replicas: "two" } } },
  { field: "/operator/logLevel", values: { operator: { logLevel: "loud" } } },
  { field: "/operator/httpPort", values: { operator: { httpPort: 70000 } } },
  {
    field: "/operator/leaderElection/leaseDuration",
    values: { operator: { leaderElection: { leaseDuration: 15 } } },
  },
  { field: "/nats/url", values: { nats: { url: "http://nats:4222" } } },
  { field: "/dashboard/enabled", values: { dashboard: { enabled: "yes" } } },
  {
    field: "/dashboard/oidc/scopes",
    values: { dashboard: { oidc: { scopes: "openid profile" } } },
  },
  // A typo is an error, not a silently ignored key.
  { field: "/operator", values: { operator: { replica: 2 } } },
];

describe("chart - lint", () => {
  it("lint - helm lint --strict passes with the default values", async () => {
    const result = await helm(["lint", "--strict", CHART_DIR]);
    expect(result.all).toContain("1 chart(s) linted, 0 chart(s) failed");
    expect(result.exitCode).toBe(0);
  });

  it("lint - helm lint --strict passes with every optional part enabled", async () => {
    const result = await helm(["lint", "--strict", CHART_DIR], {
      operator: { watchNamespace: "fleet-apps", heartbeatPeriod: "2s" },
      nats: { credentialsSecret: { name: "nats-operator-creds" } },
      dashboard: {
        enabled: true,
        natsWebsocketUrl: "wss://nats.example.com",
        ingress: { enabled: true, className: "nginx", tls: { secretName: "fleet-tls" } },
        oidc: {
          issuerUrl: "https://id.example.com",
          clientId: "fleet",
          clientSecret: { existingSecret: "fleet-oidc" },
        },
      },
    });
    expect(result.all).toContain("0 chart(s) failed");
    expect(result.exitCode).toBe(0);
  });

  for (const { field, values } of BAD_VALUES) {
    it(`lint - ${field}: a wrong value fails helm lint and helm template, naming the field`, async () => {
      const lint = await helm(["lint", CHART_DIR], values);
      expect(lint.exitCode).not.toBe(0);
      expect(lint.all).toContain(`at '${field}'`);
      const template = await helm(["template", "fleet", CHART_DIR], values);
      expect(template.exitCode).not.toBe(0);
      expect(template.all).toContain(`at '${field}'`);
    });
  }

  it("lint - the dashboard without its OIDC settings fails with a message naming them", async () => {
    const result = await helm(["template", "fleet", CHART_DIR], { dashboard: { enabled: true } });
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain("dashboard.oidc.issuerUrl is required");
  });
});
