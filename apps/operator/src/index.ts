// Library surface of @fleet/operator (the CLI is main.ts): the pure aggregation
// rules and the CRD installer, for tools and benchmarks that reuse them.
export { aggregate, type AggregateTarget, type ReportLookup } from "./status/aggregate.js";
export { buildStatus, statusPatchBody } from "./status/build-status.js";
export { deploymentConditions, type SpecProblem } from "./status/conditions.js";
export { toDeviceReport, isFresh, type DeviceReport } from "./status/device-report.js";
export { installCrd, FIELD_MANAGER } from "./install.js";
export {
  manifestFromFlags,
  identityFromFlags,
  type ApplyFlags,
} from "./apply/manifest-from-flags.js";
export { applyDeployment, deleteDeployment, printableManifest } from "./apply/apply.js";
export { OPERATOR_ENV_NAMES } from "./env.js";
