// helm lint, and values.schema.json rejecting wrong values with the field's name.
import { describe, expect, it } from "vitest";
import { DASHBOARD_VALUES } from "./dashboard-values.js";
import { CHART_DIR, helm, type Values } from "./helm.js";
import { IDENTITY_VALUES } from "./identity-values.js";

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
  { field: "/dashboard/heartbeatPeriodMs", values: { dashboard: { heartbeatPeriodMs: 50 } } },
  { field: "/dashboard/logLevel", values: { dashboard: { logLevel: "loud" } } },
  { field: "/dashboard/publicUrl", values: { dashboard: { publicUrl: "fleet.example.com" } } },
  {
    field: "/dashboard/liveAuth",
    values: { dashboard: { liveAuth: { name: "fleet-live-auth" } } },
  },
  {
    field: "/dashboard/liveAuth/ticketKey",
    values: { dashboard: { liveAuth: { ticketKey: "../ticket.pem" } } },
  },
  { field: "/identity/enabled", values: { identity: { enabled: "yes" } } },
  {
    field: "/identity/idp/issuerUrl",
    values: { identity: { idp: { issuerUrl: "http://id.example.com" } } },
  },
  {
    field: "/identity/secrets/systemCredentials",
    values: { identity: { secrets: { systemCredentials: "../system.creds" } } },
  },
  {
    field: "/identity/deviceJwtMaxLifetimeSeconds",
    values: { identity: { deviceJwtMaxLifetimeSeconds: 5 } },
  },
  // A typo is an error, not a silently ignored key.
  { field: "/operator", values: { operator: { replica: 2 } } },
  { field: "/identity", values: { identity: { replica: 2 } } },
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
        ...DASHBOARD_VALUES.dashboard,
        publicUrl: "https://fleet.example.com",
        sessionSecret: { existingSecret: "fleet-session" },
      },
      identity: {
        ...IDENTITY_VALUES.identity,
        idp: { ...IDENTITY_VALUES.identity.idp, caSecret: { name: "company-ca" } },
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

  // Without them the dashboard starts, then fails its env check at the first request.
  const { liveAuth: _live, ...withoutLiveAuth } = DASHBOARD_VALUES.dashboard;
  const { natsWebsocketUrl: _ws, ...withoutWebsocket } = DASHBOARD_VALUES.dashboard;
  const { sessionSecret: _session, ...withoutSessionSecret } = DASHBOARD_VALUES.dashboard;
  const MISSING: { value: string; dashboard: Values }[] = [
    { value: "dashboard.liveAuth.existingSecret", dashboard: withoutLiveAuth },
    { value: "dashboard.natsWebsocketUrl", dashboard: withoutWebsocket },
    { value: "dashboard.sessionSecret.existingSecret", dashboard: withoutSessionSecret },
  ];
  for (const { value, dashboard } of MISSING) {
    it(`lint - the dashboard without ${value} fails helm template, naming it`, async () => {
      const result = await helm(["template", "fleet", CHART_DIR], { dashboard });
      expect(result.exitCode).not.toBe(0);
      expect(result.all).toContain(`${value} is required when dashboard.enabled is true`);
    });
  }
});
