// The fault suite (`npm run test:faults`): every *.fault.test.ts, each scenario
// injecting one fault into the real platform under load. It runs against a
// platform of its own, in <FLEET_PLATFORM_DIR>/faults (same ports, same built
// binaries): three NATS nodes with R3 buckets and Toxiproxy, so the one-node
// platform of the demo and the integration tier, and its data, stay as they are.
// The integration tier's glob (*.integration.test.ts) never matches these files.
import { basename, join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

const platformDir =
  process.env.FLEET_PLATFORM_DIR ?? resolve(import.meta.dirname, ".local-platform");
// Set here, before the global setup and the test workers read them (workers inherit the environment).
if (basename(platformDir) !== "faults")
  process.env.FLEET_PLATFORM_DIR = join(platformDir, "faults");
process.env.FLEET_NATS_CLUSTER = "3";
process.env.FLEET_TOXIPROXY = "1";
// Toxiproxy between a device's agent and NATS (device link faults: createDeviceLink).
process.env.FLEET_TOXIPROXY = "1";

export default defineConfig({
  test: {
    include: ["**/*.fault.test.ts"],
    exclude: ["**/node_modules/**", ".local-platform/**"],
    globalSetup: ["faults/src/global-setup.ts"],
    // One platform, one podman: scenarios run one file at a time, their tests in order.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
