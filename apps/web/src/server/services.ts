// Process-wide services of the dashboard server, created once (kept on
// globalThis so Next's dev reloads reuse the NATS watch instead of leaking it).
import { env } from "../env";
import type { SignedInUser } from "./auth/signed-in-user";
import { deploymentsApi, type DeploymentsApi } from "./kube/deployments-api";
import { serviceKubeConfig } from "./kube/service-kubeconfig";
import { userConfiguration } from "./kube/user-configuration";
import type { AgentStatusSource } from "./nats/agent-status-cache";
import { liveServices } from "./nats/live-services";

export interface Services {
  /** Deployment CRs as this user: requests carry the user's own ID token. */
  deploymentsAs(user: SignedInUser): DeploymentsApi;
  agentStatus: AgentStatusSource;
  heartbeatPeriodMs: number;
}

const holder = globalThis as typeof globalThis & { fleetWebServices?: Services };

export function services(): Services {
  if (!holder.fleetWebServices) {
    const { HEARTBEAT_PERIOD_MS } = env();
    holder.fleetWebServices = {
      deploymentsAs: (user) => deploymentsApi(userConfiguration(serviceKubeConfig(), user)),
      agentStatus: liveServices().agentStatus,
      heartbeatPeriodMs: HEARTBEAT_PERIOD_MS,
    };
  }
  return holder.fleetWebServices;
}
