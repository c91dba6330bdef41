import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages export TypeScript source.
  transpilePackages: [
    "@fleet/ui",
    "@fleet/contracts",
    "@fleet/kube",
    "@fleet/nats",
    "@fleet/runtime",
    "@fleet/provisioning",
    "@fleet/zitadel",
  ],
  // Node-only clients stay out of the bundle and load from node_modules at runtime.
  serverExternalPackages: [
    "@kubernetes/client-node",
    "pino",
    "pino-pretty",
    "@nats-io/transport-node",
  ],
  poweredByHeader: false,
  // Every response, API routes and static files included; pages also get the
  // per-request CSP from src/proxy.ts.
  headers: () =>
    Promise.resolve([
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ]),
  reactStrictMode: true,
  // The workspace packages use NodeNext-style `./x.js` specifiers for `./x.ts`
  // files; webpack maps them (Turbopack cannot yet), so dev and build use webpack.
  webpack: (webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"] };
    return webpackConfig;
  },
};

export default config;
