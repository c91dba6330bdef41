// Playwright global setup: the local platform, the CRD and the dashboard's RBAC,
// then the production build (cached by input hash) served on FLEET_WEB_PORT.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { installCrd } from "@fleet/operator";
import pino from "pino";
import { consoleProgress, down, layoutFor, readPlatformEnv, up } from "@fleet/local-platform";
import { kubeConfigFor, platformConnection } from "@fleet/local-platform/testing";
import { applyDashboardRbac } from "@fleet/web/rbac";
import { buildDashboardIfChanged } from "./build-cache";
import { startDashboard } from "./dashboard-server";
import { E2E_DIR } from "./paths";

/** The CRD (by the operator's own installer, which waits for Established) and the dashboard's RBAC. */
async function installCrdAndRbac(): Promise<void> {
  const admin = await kubeConfigFor("admin");
  await installCrd(admin, pino({ level: "silent" }), 30_000);
  await applyDashboardRbac(admin);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const platformEnv = readPlatformEnv();
  const layout = layoutFor(platformEnv);
  const progress = consoleProgress("e2e");
  await mkdir(join(E2E_DIR, "test-results"), { recursive: true });
  const { started } = await up(layout, progress);
  await installCrdAndRbac();
  const buildStart = performance.now();
  const built = await buildDashboardIfChanged();
  console.log(
    `[e2e] dashboard build: ${built ? `built in ${((performance.now() - buildStart) / 1000).toFixed(1)} s` : "unchanged, reused"}`,
  );
  const pid = await startDashboard(await platformConnection(), platformEnv.FLEET_WEB_PORT);
  return async () => {
    // The dashboard runs in its own process group; end exactly that group.
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    if (started.length > 0) await down(layout, progress);
  };
}
