import { describe, expect, it } from "vitest";
import { exportLines, natsConnectionFor, type PlatformConnection } from "./connection.js";
import { readPlatformEnv } from "./env.js";
import { layoutFor } from "./layout.js";

const connection: PlatformConnection = {
  kubeconfig: "/tmp/it's here/kubeconfig.json",
  kubeApiUrl: "https://127.0.0.1:26443",
  natsUrl: "nats://127.0.0.1:24222",
  natsUrls: ["nats://127.0.0.1:24222"],
  natsWebsocketUrl: "ws://127.0.0.1:24280",
  natsWebsocketUrls: ["ws://127.0.0.1:24280"],
  natsMonitorUrl: "http://127.0.0.1:28222",
  natsNodes: [
    {
      name: "nats-server",
      serverName: "fleet-local",
      url: "nats://127.0.0.1:24222",
      websocketUrl: "ws://127.0.0.1:24280",
      monitorUrl: "http://127.0.0.1:28222",
    },
  ],
  natsSecrets: {
    adminCreds: "/p/nats/secrets/admin.creds",
    operatorCreds: "/p/nats/secrets/operator.creds",
    dashboardCreds: "/p/nats/secrets/dashboard.creds",
    calloutCreds: "/p/nats/secrets/callout.creds",
    systemCreds: "/p/nats/secrets/system.creds",
    calloutIssuerSeed: "/p/nats/secrets/callout-issuer.nk",
    calloutXkeySeed: "/p/nats/secrets/callout-xkey.nk",
    browserTicketKey: "/p/nats/secrets/browser-ticket.pem",
    browserTicketPublicKey: "/p/nats/secrets/browser-ticket.pub.pem",
  },
  podmanSocket: "/tmp/podman.sock",
  containersConf: undefined,
  binDir: "/opt/fleet/bin",
  tokens: { admin: "a", alice: "b", bob: "c", dashboard: "d" },
  oidc: {
    issuer: "https://127.0.0.1:29090",
    caFile: "/tmp/p/ca/ca.crt",
    clientId: "fleet-dashboard",
    clientSecret: "s3cret",
    dashboardOrigin: "http://localhost:3000",
    passwords: { alice: "pa", bob: "pb" },
    projectId: "290000000000000001",
    adminKeyFile: "/tmp/p/idp/admin-key.json",
  },
};

describe("connection - env export lines", () => {
  it("quotes values so that a shell eval reproduces them exactly", () => {
    expect(exportLines(connection)).toContain(
      `export KUBECONFIG='/tmp/it'\\''s here/kubeconfig.json'`,
    );
  });

  it("puts the platform's bin folder first on PATH", () => {
    expect(exportLines(connection)).toContain(`export PATH='/opt/fleet/bin':"$PATH"`);
  });

  it("exports CONTAINERS_CONF only where podman needs the project's config", () => {
    expect(exportLines(connection)).not.toContain("CONTAINERS_CONF");
    expect(exportLines({ ...connection, containersConf: "/x/containers.conf" })).toContain(
      "export CONTAINERS_CONF='/x/containers.conf'",
    );
  });

  it("never exports the kube tokens or the demo users' passwords", () => {
    expect(exportLines(connection)).not.toMatch(/TOKEN/);
    expect(exportLines(connection)).not.toMatch(/'pa'|'pb'/);
  });

  it("exports the dashboard's OIDC client settings", () => {
    expect(exportLines(connection)).toContain("export OIDC_ISSUER='https://127.0.0.1:29090'");
    expect(exportLines(connection)).toContain("export OIDC_CA_FILE='/tmp/p/ca/ca.crt'");
    expect(exportLines(connection)).toContain("export OIDC_CLIENT_SECRET='s3cret'");
  });

  it("exports what `iot-operator device` provisions with: the project and the admin key's path", () => {
    expect(exportLines(connection)).toContain("export ZITADEL_PROJECT_ID='290000000000000001'");
    expect(exportLines(connection)).toContain(
      "export ZITADEL_ADMIN_KEY_FILE='/tmp/p/idp/admin-key.json'",
    );
  });
});

describe("connection - NATS secrets in the env export", () => {
  it("exports the paths of the dashboard's and iot-identity's key files, never a NATS password", () => {
    const lines = exportLines(connection);
    expect(lines).toContain("export NATS_SYSTEM_CREDENTIALS_FILE='/p/nats/secrets/system.creds'");
    expect(lines).toContain("export LIVE_TICKET_KEY_FILE='/p/nats/secrets/browser-ticket.pem'");
    expect(lines).toContain(
      "export BROWSER_TICKET_PUBLIC_KEY_FILE='/p/nats/secrets/browser-ticket.pub.pem'",
    );
    expect(lines).not.toMatch(/NATS_VIEWER|PASSWORD/);
    // The operator reads NATS_CREDENTIALS_FILE too: the dashboard's read-only one must not leak to it.
    expect(lines).not.toContain(" NATS_CREDENTIALS_FILE=");
  });

  it("exports the admin credential for the nats CLI and each service's by its own name", () => {
    const lines = exportLines(connection);
    expect(lines).toContain("export NATS_CREDS='/p/nats/secrets/admin.creds'");
    expect(lines).toContain(
      "export NATS_OPERATOR_CREDENTIALS_FILE='/p/nats/secrets/operator.creds'",
    );
    expect(lines).toContain(
      "export NATS_DASHBOARD_CREDENTIALS_FILE='/p/nats/secrets/dashboard.creds'",
    );
  });
});

describe("connection - NATS of one server or a cluster", () => {
  it("one server by default: every list holds node 1 alone, as NATS_URL did", () => {
    const nats = natsConnectionFor(layoutFor(readPlatformEnv({ FLEET_PLATFORM_DIR: "/p" })));
    expect(nats.natsUrls).toEqual(["nats://127.0.0.1:24222"]);
    expect(nats.natsNodes.map((n) => n.name)).toEqual(["nats-server"]);
    expect(exportLines({ ...connection, ...nats })).toContain(
      "export NATS_URL='nats://127.0.0.1:24222'\n",
    );
  });

  it("a cluster: clients get every node, comma-separated in NATS_URL and NATS_WS_URL", () => {
    const nats = natsConnectionFor(
      layoutFor(readPlatformEnv({ FLEET_PLATFORM_DIR: "/p", FLEET_NATS_CLUSTER: "3" })),
    );
    expect(nats.natsUrl).toBe("nats://127.0.0.1:24222");
    expect(nats.natsUrls).toEqual([
      "nats://127.0.0.1:24222",
      "nats://127.0.0.1:24242",
      "nats://127.0.0.1:24262",
    ]);
    expect(nats.natsNodes.map((n) => [n.name, n.serverName, n.monitorUrl])).toEqual([
      ["nats-server-1", "fleet-local-1", "http://127.0.0.1:28222"],
      ["nats-server-2", "fleet-local-2", "http://127.0.0.1:28242"],
      ["nats-server-3", "fleet-local-3", "http://127.0.0.1:28262"],
    ]);
    const lines = exportLines({ ...connection, ...nats });
    expect(lines).toContain(
      "export NATS_URL='nats://127.0.0.1:24222,nats://127.0.0.1:24242,nats://127.0.0.1:24262'",
    );
    expect(lines).toContain(
      "export NATS_WS_URL='ws://127.0.0.1:24280,ws://127.0.0.1:24300,ws://127.0.0.1:24320'",
    );
  });
});
