// Unit tier of @fleet/identity: tests beside the code; the integration tests
// (*.integration.test.ts) run from the root config against the local platform.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "src/**/*.integration.test.ts"],
  },
});
