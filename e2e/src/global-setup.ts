// Playwright global setup: the same stack as `npm run demo` — the local platform
// with its IdP, both CRDs, the identity service (the auth callout that admits
// devices and browsers), the real operator, demo-device-1 … demo-device-3
// provisioned through @fleet/provisioning with a real agent each on its
// credential file (three, so a staged rollout has batches to stage across;
// the other specs use demo-device-1), and the dashboard's production build
// (cached by input hash) on FLEET_WEB_PORT.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { startStack, stopStack } from "@fleet/demo";
import { consoleProgress, layoutFor, readPlatformEnv } from "@fleet/local-platform";
import { E2E_DIR } from "./paths";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const layout = layoutFor(readPlatformEnv());
  const progress = consoleProgress("e2e");
  await mkdir(join(E2E_DIR, "test-results"), { recursive: true });
  const stack = await startStack(layout, progress, {
    devices: 3,
    dashboard: true,
    logPrefix: "e2e",
  });
  return () => stopStack(stack, layout, progress);
}
