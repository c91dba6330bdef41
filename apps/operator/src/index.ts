// Library surface of @fleet/operator (the CLI is main.ts): the status fold and
// the CRD installer, for tools and benchmarks that reuse them. The aggregation
// and freshness rules themselves live in @fleet/contracts (shared with the web).
export { buildStatus, statusPatchBody } from "./status/build-status.js";
export { deploymentConditions, type SpecProblem } from "./status/conditions.js";
export { installCrd, FIELD_MANAGER } from "./install.js";
export {
  manifestFromFlags,
  identityFromFlags,
  type ApplyFlags,
} from "./apply/manifest-from-flags.js";
export { applyDeployment, deleteDeployment, printableManifest } from "./apply/apply.js";
export { OPERATOR_ENV_NAMES } from "./env.js";
