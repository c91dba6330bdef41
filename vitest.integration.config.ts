// The integration tier: every *.integration.test.ts in the repo, run against the
// real local platform (kube-apiserver + etcd, nats-server, podman) that the
// global setup brings up once for the whole tier.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{apps,packages,local-platform,chart,demo}/**/*.integration.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["local-platform/src/testing/global-setup.ts"],
    // Tests share one API server, one NATS and one podman: run files one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
