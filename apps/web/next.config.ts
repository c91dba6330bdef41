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
  // The workspace packages use NodeNext-style `./x.js` specifiers for `./x.ts`
  // files; webpack maps them (Turbopack cannot yet), so dev and build use webpack.
  webpack: (webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"] };
    return webpackConfig;
  },
};

export default config;
