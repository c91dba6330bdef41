// The apps' config: the shared rules, plus one boundary. An app's product source
// never imports the harness packages (the local platform, the demo's launchers):
// they are devDependencies, absent where the app is installed. Tests and
// testing helpers may.
import base from "./base.js";

/** @type {import("typescript-eslint").ConfigArray} */
export default [
  ...base,
  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/**/*.test.{ts,tsx}", "src/**/testing/**", "src/**/testing.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@fleet/local-platform",
                "@fleet/local-platform/*",
                "@fleet/demo",
                "@fleet/demo/*",
              ],
              message:
                "Harness code (a devDependency) stays out of the app's source: use it from tests, testing/ or the demo.",
            },
          ],
        },
      ],
    },
  },
];
