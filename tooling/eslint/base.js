// Shared flat ESLint config: type-aware rules for every workspace.
// Why these rules: a floating promise in a reconcile loop is a silently lost
// write, and `process.env` outside env.ts is configuration nobody validated.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** @type {import("typescript-eslint").ConfigArray} */
export default tseslint.config(
  { ignores: ["**/dist/**", "**/.next/**", "**/node_modules/**", "**/*.config.*", "**/.turbo/**"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true },
    },
    rules: {
      // @kubernetes/client-node models are classes, yet its API takes plain objects.
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/explicit-module-boundary-types": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through the package's env.ts, which validates it with zod.",
        },
      ],
    },
  },
  {
    // env.ts files are the one place that may read process.env; tests may set it.
    files: ["**/env.ts", "**/*.test.ts", "**/testing/**"],
    rules: { "no-restricted-properties": "off" },
  },
);
