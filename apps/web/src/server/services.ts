// Process-wide services of the dashboard server, created once (kept on
// globalThis so Next's dev reloads reuse the NATS watch instead of leaking it).
import { idpMachineUsers } from "@fleet/provisioning";
import { env } from "../env";
import type { SignedInUser } from "./auth/signed-in-user";
import { devicesApi, type DevicesApi } from "./devices/devices-api";
import { enrollmentSettings } from "./devices/enrollment-settings";
import { enrollmentTokensApi, type EnrollmentTokensApi } from "./devices/enrollment-tokens-api";
import { provisioningSettings } from "./devices/provisioning-settings";
import { deploymentsApi, type DeploymentsApi } from "./kube/deployments-api";
import { serviceKubeConfig } from "./kube/service-kubeconfig";
import { userConfiguration } from "./kube/user-configuration";
import type { AgentStatusSource } from "./nats/agent-status-cache";
import { liveServices } from "./nats/live-services";

export interface Services {
  /** Deployment CRs as this user: requests carry the user's own ID token. */
  deploymentsAs(user: SignedInUser): DeploymentsApi;
  /** Device CRs as this user (RBAC decides), provisioning with the dashboard's IdP admin key. */
  devicesAs(user: SignedInUser): DevicesApi;
  /** Whether this dashboard may provision devices (configured with an IdP admin key). */
  deviceProvisioning: boolean;
  /** EnrollmentToken CRs as this user (RBAC decides), with the command for ENROLLMENT_URL. */
  enrollmentTokensAs(user: SignedInUser): EnrollmentTokensApi;
  /** Whether this dashboard knows where devices enroll (ENROLLMENT_URL). */
  enrollment: boolean;
  agentStatus: AgentStatusSource;
  heartbeatPeriodMs: number;
}

const holder = globalThis as typeof globalThis & { fleetWebServices?: Services };

export function services(): Services {
  if (!holder.fleetWebServices) {
    const { HEARTBEAT_PERIOD_MS } = env();
    const settings = provisioningSettings(env());
    const provisioning = settings && { settings, idp: idpMachineUsers(settings) };
    const enrollment = enrollmentSettings(env());
    holder.fleetWebServices = {
      deploymentsAs: (user) => deploymentsApi(userConfiguration(serviceKubeConfig(), user)),
      devicesAs: (user) => devicesApi(userConfiguration(serviceKubeConfig(), user), provisioning),
      deviceProvisioning: provisioning !== undefined,
      enrollmentTokensAs: (user) =>
        enrollmentTokensApi(userConfiguration(serviceKubeConfig(), user), enrollment),
      enrollment: enrollment !== undefined,
      agentStatus: liveServices().agentStatus,
      heartbeatPeriodMs: HEARTBEAT_PERIOD_MS,
    };
  }
  return holder.fleetWebServices;
}
