// For the Devices page's integration tests: the dashboard's services with
// real Device and EnrollmentToken APIs (requests carry each signed-in user's
// own ID token, as in production), and a Device waiting for approval made the
// way iot-identity's enrollment server makes one.
import { generateKeyPairSync } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { deviceManifest } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { userConfiguration } from "../kube/user-configuration";
import type { Services } from "../services";
import { devicesApi, type DashboardProvisioning } from "./devices-api";
import type { EnrollmentSettings } from "./enrollment-settings";
import { enrollmentTokensApi } from "./enrollment-tokens-api";

export function devicePageServices(
  kubeCluster: KubeConfig,
  options: {
    provisioning?: DashboardProvisioning | undefined;
    enrollment?: EnrollmentSettings | undefined;
  } = {},
): Services {
  const unused = (): never => {
    throw new Error("not used by the Devices page tests");
  };
  return {
    deploymentsAs: unused,
    devicesAs: (user) => devicesApi(userConfiguration(kubeCluster, user), options.provisioning),
    deviceProvisioning: options.provisioning !== undefined,
    enrollmentTokensAs: (user) =>
      enrollmentTokensApi(userConfiguration(kubeCluster, user), options.enrollment),
    enrollment: options.enrollment !== undefined,
    agentStatus: { snapshot: () => Promise.resolve([]), get: () => Promise.resolve(undefined) },
    heartbeatPeriodMs: 5000,
  };
}

/** A Device in PendingApproval with its own fresh public key, as if it had enrolled with `token`. */
export async function createPendingDevice(
  admin: KubeConfig,
  id: string,
  options: { token: string; labels?: Record<string, string> },
): Promise<void> {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  await DeviceClient.forKubeConfig(admin).create(
    deviceManifest({
      name: id,
      ...(options.labels === undefined ? {} : { labels: options.labels }),
      spec: {
        approved: false,
        enrollment: {
          publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
          token: options.token,
          requestedAt: new Date().toISOString(),
        },
      },
    }),
  );
}
