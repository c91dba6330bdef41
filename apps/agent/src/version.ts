// The agent version reported in heartbeats and inventory: the package version,
// inlined by esbuild into the single-file bundle.
import pkg from "../package.json" with { type: "json" };

export const AGENT_VERSION: string = pkg.version;
