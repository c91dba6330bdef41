// The dashboard for the dashboard benchmark: its RBAC, the production build
// (cached by input hash, shared with the e2e suite and the demo), then
// `next start` on FLEET_WEB_PORT; the server log goes beside the platform's.
import { join } from "node:path";
import { layoutFor, readPlatformEnv, type PlatformConnection } from "@fleet/local-platform";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { planDashboardBuild, serveDashboard, type DashboardServer } from "@fleet/demo/dashboard";
import { applyDashboardRbac } from "@fleet/web/rbac";
import type { Logger } from "./logger.js";

export async function startDashboard(
  connection: PlatformConnection,
  logger: Logger,
  /** Wraps the start of `next start` only (not the build), e.g. to preload a probe into the server. */
  serve: (start: () => Promise<DashboardServer>) => Promise<DashboardServer> = (start) => start(),
): Promise<DashboardServer> {
  const layout = layoutFor(readPlatformEnv());
  await applyDashboardRbac(await kubeConfigFor("admin"));
  const buildLog = join(layout.logDir, "bench-dashboard-build.log");
  const build = await planDashboardBuild();
  if (!build.upToDate)
    logger.info({ log: buildLog }, "building the dashboard (next build: minutes)");
  await build.run({ logFile: buildLog });
  return serve(() =>
    serveDashboard(connection, {
      port: layout.ports.web,
      logFile: join(layout.logDir, "bench-dashboard.log"),
      logLevel: "warn",
    }),
  );
}
