// @fleet/local-platform: the real servers for the demo and every test tier.
export { up, down, status, type UpResult, type ComponentStatus } from "./platform.js";
export { connectionFor, exportLines, type PlatformConnection } from "./connection.js";
export { connectAsAdmin, connectAsOperator, type PlatformNatsOptions } from "./nats-clients.js";
export { dashboardEnvironment, type DashboardOverrides } from "./dashboard-environment.js";
export {
  enrollmentTls,
  enrollmentUrl,
  identityEnvironment,
  type EnrollmentTls,
} from "./identity-environment.js";
export { readPlatformEnv, type PlatformEnv } from "./env.js";
export { layoutFor, type Layout } from "./layout.js";
export { consoleProgress, silentProgress, type Progress } from "./progress.js";
export { waitUntil, type WaitOptions } from "./wait.js";
export { PlatformError, PortInUseError, NotReadyError, isPlatformError } from "./errors.js";
export { KUBE_USERS, type KubeUserName } from "./kube-identities.js";
export { contextName } from "./kubeconfig.js";
export * from "./versions.js";
export { inheritedEnvironment, REPO_ROOT } from "./env.js";
export { freePort } from "./ports.js";
export { logFile } from "./processes.js";
export { nginxImageRef, NGINX_CONTAINER_PORT } from "./nginx-image.js";
export {
  authenticationConfiguration,
  FLEET_ROLE_GROUPS,
  OIDC_USERNAME_PREFIX,
  type AuthenticationConfiguration,
} from "./authentication-config.js";
