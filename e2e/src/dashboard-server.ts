// Starts `next start` on FLEET_WEB_PORT with the platform's settings, as a
// detached process group that the teardown ends by its id.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import type { PlatformConnection } from "@fleet/local-platform";
import { dashboardEnvironment } from "@fleet/web/launch";
import { waitUntil } from "@fleet/local-platform/testing";
import { inheritedEnvironment } from "./env";
import { E2E_DIR, REPO_ROOT, WEB_DIR } from "./paths";

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
