// @fleet/web/launch: build and serve the dashboard against a local platform
// (used by `npm run demo`, the e2e suite and the benchmarks; not by the app).
export { dashboardEnvironment, type DashboardOverrides } from "./platform-environment";
export { planDashboardBuild, type DashboardBuild } from "./build";
export { serveDashboard, type DashboardServer, type ServeOptions } from "./serve";
