// @fleet/web/env-names: the variables the dashboard reads, for the Helm chart's
// tests; a file of its own so importing it loads nothing but the env schema.
export { DASHBOARD_ENV_NAMES } from "./env";
