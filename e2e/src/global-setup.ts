// Playwright global setup: the local platform, the CRD and the dashboard's RBAC,
// then the production build (cached by input hash) served on FLEET_WEB_PORT.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ApiextensionsV1Api } from "@kubernetes/client-node";
import { buildDeploymentCrd, CRD_NAME } from "@fleet/contracts";
import { consoleProgress, down, layoutFor, readPlatformEnv, up } from "@fleet/local-platform";
import { kubeConfigFor, platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { applyDashboardRbac, serverSideApply } from "@fleet/web/rbac";
import { buildDashboardIfChanged } from "./build-cache";
import { startDashboard } from "./dashboard-server";
import { E2E_DIR } from "./paths";

async function installCrd(): Promise<void> {
  const admin = await kubeConfigFor("admin");
  await serverSideApply(admin, [buildDeploymentCrd()]);
  const crds = admin.makeApiClient(ApiextensionsV1Api);
  await waitUntil(
    async () => {
      const crd = await crds.readCustomResourceDefinition({ name: CRD_NAME });
      return (
        crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ??
        false
      );
    },
    { what: "Deployment CRD established", timeoutMs: 30_000 },
  );
  await applyDashboardRbac(admin);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const platformEnv = readPlatformEnv();
  const layout = layoutFor(platformEnv);
  const progress = consoleProgress("e2e");
  await mkdir(join(E2E_DIR, "test-results"), { recursive: true });
  const { started } = await up(layout, progress);
  await installCrd();
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
