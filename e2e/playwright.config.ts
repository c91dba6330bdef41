// The browser tier: the dashboard (production build) against the real local
// platform, driven in the system Chromium (never `playwright install`).
import { defineConfig } from "@playwright/test";
import { readPlatformEnv } from "@fleet/local-platform";

const webPort = readPlatformEnv().FLEET_WEB_PORT;

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  globalSetup: "./src/global-setup.ts",
  // Tests share one platform and one dashboard.
  workers: 1,
  // On a machine where other tests create podman containers, veth interfaces come
  // and go every second and Chromium aborts in-flight requests with
  // net::ERR_NETWORK_CHANGED (seen in traces). One retry absorbs that; a real
  // failure fails twice.
  retries: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${webPort}`,
    // The local IdP serves https with a certificate from the platform's own CA
    // (<platform dir>/ca/ca.crt), which this throwaway browser profile does not
    // know; the dashboard's server does trust it (OIDC_CA_FILE).
    ignoreHTTPSErrors: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
