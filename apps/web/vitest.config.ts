import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    setupFiles: ["../../packages/ui/src/testing/setup.ts"],
    exclude: ["**/node_modules/**", "**/.next/**"],
  },
});
