// @fleet/demo/dashboard: build and serve the dashboard (@fleet/web) against a
// local platform, for `npm run demo`, the e2e suite (through the demo's stack)
// and the benchmarks. Harness code: it lives here, not in the app's source.
export { planDashboardBuild, type DashboardBuild } from "./build.js";
export { serveDashboard, type DashboardServer, type ServeOptions } from "./serve.js";
