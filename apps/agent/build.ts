// Builds the single-file agent for devices: dist/iot-agent.mjs, every
// dependency bundled, runnable with plain `node` (>= 22) on any architecture
// Node runs on (the agent has no native modules).
import { chmod, readFile, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const OUTFILE = "dist/iot-agent.mjs";
/** The oldest Node the bundle runs on (undici 8 and commander 15 say so in `engines`). */
export const MIN_NODE = "22.19.0";
const MIN_NODE_MINOR = 19;

await build({
  entryPoints: ["src/main.ts"],
  outfile: OUTFILE,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: false,
  sourcemap: false,
  legalComments: "none",
  banner: {
    js: [
      // Bundled CommonJS dependencies (pino, undici's helpers) call require().
      'import { createRequire as __fleetCreateRequire } from "node:module";',
      "const require = __fleetCreateRequire(import.meta.url);",
      // undici and commander need Node >= 22.19; say so instead of crashing in undici.
      `{ const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);`,
      `  if (major < 22 || (major === 22 && minor < ${MIN_NODE_MINOR})) {`,
      `    process.stderr.write("iot-agent needs Node.js >= ${MIN_NODE}; this is " + process.version + "\\n");`,
      "    process.exit(1); } }",
    ].join("\n"),
  },
});

// src/main.ts starts with a tsx shebang for development; the bundle runs on node.
const text = await readFile(OUTFILE, "utf8");
const body = text.startsWith("#!") ? text.slice(text.indexOf("\n") + 1) : text;
await writeFile(OUTFILE, `#!/usr/bin/env node\n${body}`);
await chmod(OUTFILE, 0o755);
console.log(`built ${OUTFILE}`);
