import { describe, expect, it } from "vitest";
import type { PlatformConnection } from "@fleet/local-platform";
import { handoffMenu } from "./handoff.js";
import type { Stack } from "./stack.js";

const connection = {
  kubeconfig: "/tmp/p/kube/kubeconfig.json",
  kubeApiUrl: "https://127.0.0.1:36443",
  natsUrl: "nats://127.0.0.1:34222",
  natsUrls: ["nats://127.0.0.1:34222"],
  natsWebsocketUrl: "ws://127.0.0.1:34280",
  natsWebsocketUrls: ["ws://127.0.0.1:34280"],
  natsMonitorUrl: "http://127.0.0.1:38222",
  natsNodes: [
    {
      name: "nats-server",
      serverName: "fleet-local",
      url: "nats://127.0.0.1:34222",
      websocketUrl: "ws://127.0.0.1:34280",
      monitorUrl: "http://127.0.0.1:38222",
    },
  ],
  natsSecrets: {
    adminCreds: "/tmp/p/nats/secrets/admin.creds",
    operatorCreds: "/tmp/p/nats/secrets/operator.creds",
    dashboardCreds: "/tmp/p/nats/secrets/dashboard.creds",
    calloutCreds: "/tmp/p/nats/secrets/callout.creds",
    systemCreds: "/tmp/p/nats/secrets/system.creds",
    calloutIssuerSeed: "/tmp/p/nats/secrets/callout-issuer.nk",
    calloutXkeySeed: "/tmp/p/nats/secrets/callout-xkey.nk",
    browserTicketKey: "/tmp/p/nats/secrets/browser-ticket.pem",
    browserTicketPublicKey: "/tmp/p/nats/secrets/browser-ticket.pub.pem",
  },
  podmanSocket: "/tmp/p/run/podman.sock",
  containersConf: undefined,
  binDir: "/tmp/p/bin",
  tokens: { admin: "a", alice: "b", bob: "c", dashboard: "d" },
  oidc: {
    issuer: "https://127.0.0.1:39090",
    caFile: "/tmp/p/ca/ca.crt",
    clientId: "fleet-dashboard",
    clientSecret: "s",
    dashboardOrigin: "http://localhost:3100",
    passwords: { alice: "alice-pw", bob: "bob-pw" },
    projectId: "290000000000000001",
    adminKeyFile: "/tmp/p/idp/admin-key.json",
  },
} satisfies PlatformConnection;

const stack = (dashboardUrl?: string): Stack => ({
  connection,
  devices: ["demo-device-1", "demo-device-2"],
  credentialsFiles: {
    "demo-device-1": "/tmp/p/demo/demo-device-1/credentials.json",
    "demo-device-2": "/tmp/p/demo/demo-device-2/credentials.json",
  },
  identityHttpPort: 41235,
  operatorHttpPort: 41234,
  ...(dashboardUrl && { dashboardUrl }),
  apps: [],
  startedServers: [],
  stopping: false,
});

describe("hand-off menu", () => {
  it("names the dashboard, both demo users and their passwords", () => {
    const menu = handoffMenu(stack("http://localhost:3100"));
    expect(menu).toContain("Dashboard        http://localhost:3100");
    expect(menu).toMatch(/alice \/ alice-pw +\(deployer/);
    expect(menu).toMatch(/bob {3}\/ bob-pw +\(viewer/);
    expect(menu).toContain("https://127.0.0.1:39090");
    expect(menu).toContain("/tmp/p/ca/ca.crt");
  });

  it("says when the dashboard was not started", () => {
    expect(handoffMenu(stack())).toContain("not started (--no-dashboard)");
  });

  it("fills in the first device, its KV keys and the operator's port", () => {
    const menu = handoffMenu(stack("http://localhost:3100"));
    expect(menu).toContain("--target-device demo-device-1 ");
    expect(menu).toContain("nats kv get desired-state demo-device-1.default.nginx --raw");
    expect(menu).toContain("nats kv get agent-status status.demo-device-1 --raw");
    expect(menu).toContain("http://127.0.0.1:41234/metrics");
    expect(menu).toContain("--print | kubectl apply -f -");
    expect(menu).toContain("kubectl get deployments.iot.nationtech.io -A -w");
    expect(menu).toContain("curl -i http://127.0.0.1:8080/");
  });

  it("shows the first device's credential file, how to check it and the device commands", () => {
    const menu = handoffMenu(stack());
    expect(menu).toContain("http://127.0.0.1:41235/metrics");
    expect(menu).toContain(
      "npx iot-agent doctor --credentials /tmp/p/demo/demo-device-1/credentials.json --podman-socket /tmp/p/run/podman.sock",
    );
    for (const command of [
      "list",
      "disable demo-device-1",
      "enable demo-device-1",
      "add my-device-1",
    ])
      expect(menu).toContain(`npx iot-operator device ${command}`);
    expect(menu).toContain(
      "npx iot-operator device rotate-key my-device-1 --out ./my-device-1.json",
    );
    // The agent takes only an absolute data dir.
    expect(menu).toMatch(/npx iot-agent --credentials \.\/my-device-1\.json .* --data-dir \//);
  });
});
