// The dashboard's production server (`next start`) on FLEET_WEB_PORT, with the
// platform's settings, as its own process group that we end by its id. Builds
// apps/web first only when no build exists (the e2e tier caches one).
import { readPlatformEnv, type PlatformConnection } from "@fleet/local-platform";
import { kubeConfigFor, waitUntil } from "@fleet/local-platform/testing";
import { dashboardEnvironment } from "@fleet/web/launch";
import { applyDashboardRbac } from "@fleet/web/rbac";
import { execa } from "execa";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Logger } from "./logger.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const WEB = `${REPO}apps/web`;

export interface WebServer {
  url: string;
  stop(): Promise<void>;
}

export async function startDashboard(
  connection: PlatformConnection,
  logger: Logger,
): Promise<WebServer> {
  await applyDashboardRbac(await kubeConfigFor("admin"));
  if (!existsSync(`${WEB}/.next/BUILD_ID`)) {
    logger.info("no dashboard build found: running next build (minutes)");
    await execa("npm", ["run", "-s", "build", "-w", "@fleet/web"], { cwd: REPO });
  }
  const port = readPlatformEnv().FLEET_WEB_PORT;
  const url = `http://localhost:${port}`;
  const child = execa(`${REPO}node_modules/.bin/next`, ["start", "--port", String(port)], {
    cwd: WEB,
    detached: true,
    reject: false,
    stdio: "ignore",
    env: { NODE_ENV: "production", ...dashboardEnvironment(connection, { logLevel: "warn" }) },
  });
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    if (pid !== undefined) {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await child;
  };
  try {
    await waitUntil(async () => (await fetch(url).catch(() => undefined))?.status === 200, {
      what: `dashboard on ${url}`,
      timeoutMs: 60_000,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
