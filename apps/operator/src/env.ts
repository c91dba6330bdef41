// The only reader of process.env in the operator. Values stay raw strings here;
// config.ts merges them with flags and validates the result, so a bad value is
// reported with the flag or variable it came from.
import { z } from "zod";

const optional = z.string().trim().min(1).optional();

const envSchema = z.object({
  NATS_URL: optional,
  NATS_CREDENTIALS_FILE: optional,
  KUBECONFIG: optional,
  WATCH_NAMESPACE: optional,
  HTTP_PORT: optional,
  HEARTBEAT_PERIOD: optional,
  STALENESS_WINDOW: optional,
  STATUS_FLUSH_PERIOD: optional,
  DEVICE_STATUS_RATE: optional,
  LAST_SEEN_REFRESH: optional,
  RESYNC_PERIOD: optional,
  KV_REPLICAS: optional,
  LEASE_NAMESPACE: optional,
  LEASE_NAME: optional,
  LEASE_DURATION: optional,
  LEASE_RENEW_PERIOD: optional,
  POD_NAME: optional,
  LOG_LEVEL: optional,
  /** `device …`: the IdP's issuer, its CA file, the project devices authenticate for, the admin's key file. */
  OIDC_ISSUER: optional,
  OIDC_CA_FILE: optional,
  ZITADEL_PROJECT_ID: optional,
  ZITADEL_ADMIN_KEY_FILE: optional,
  /** `enrollment create`: the enrollment server's URL, for the printed `iot-agent enroll` command. */
  ENROLLMENT_PUBLIC_URL: optional,
  /** Set by the kubelet inside a pod; selects the in-cluster kube config. */
  KUBERNETES_SERVICE_HOST: optional,
});

export type OperatorEnv = z.output<typeof envSchema>;

/** Every variable the operator reads (the chart's tests check it sets no other). */
export const OPERATOR_ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

/** Every variable is optional text, so parsing cannot fail on content; config.ts judges it. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): OperatorEnv {
  const clean = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  return envSchema.parse(clean);
}
