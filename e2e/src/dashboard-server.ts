// Starts `next start` on FLEET_WEB_PORT with the platform's settings, as a
// detached process group that the teardown ends by its id.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import { contextName, type PlatformConnection } from "@fleet/local-platform";
import { waitUntil } from "@fleet/local-platform/testing";
import { inheritedEnvironment } from "./env";
import { E2E_DIR, REPO_ROOT, WEB_DIR } from "./paths";

export function dashboardEnvironment(connection: PlatformConnection): Record<string, string> {
  return {
    KUBECONFIG: connection.kubeconfig,
    KUBE_CONTEXT: contextName("admin"),
    NATS_URL: connection.natsUrl,
    NATS_WS_URL: connection.natsWebsocketUrl,
    NATS_VIEWER_USER: connection.natsViewer.user,
    NATS_VIEWER_PASSWORD: connection.natsViewer.password,
    OIDC_ISSUER: connection.oidc.issuer,
    OIDC_CLIENT_ID: connection.oidc.clientId,
    OIDC_CLIENT_SECRET: connection.oidc.clientSecret,
    HEARTBEAT_PERIOD_MS: "5000",
    LOG_LEVEL: "info",
  };
}

export async function startDashboard(
  connection: PlatformConnection,
  port: number,
): Promise<number> {
  const log = openSync(join(E2E_DIR, "test-results", "dashboard.log"), "a");
  const child = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "next"),
    ["start", "--port", String(port)],
    {
      cwd: WEB_DIR,
      env: {
        ...inheritedEnvironment(),
        ...dashboardEnvironment(connection),
        NODE_ENV: "production",
      },
      detached: true,
      stdio: ["ignore", log, log],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the dashboard (next start)");
  child.unref();
  await waitUntil(
    async () => {
      const response = await fetch(`http://localhost:${port}/`).catch(() => undefined);
      return response?.status === 200;
    },
    { what: `dashboard on port ${port}`, timeoutMs: 60_000 },
  );
  return pid;
}
