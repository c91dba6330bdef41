import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages export TypeScript source.
  transpilePackages: ["@fleet/ui", "@fleet/contracts"],
  // Node-only clients stay out of the bundle and load from node_modules at runtime.
  serverExternalPackages: [
    "@kubernetes/client-node",
    "pino",
    "pino-pretty",
    "@nats-io/transport-node",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
