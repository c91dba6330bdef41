// The flags of `iot-operator enrollment create`, resolved by @fleet/runtime
// (flags > env) and checked before the API server is asked: a bad one is
// named with where it came from. The expiry defaults to a day.
import { durationSchema, ENROLLMENT_TOKEN_MAX_USES } from "@fleet/contracts";
import {
  DEFAULT_ENROLLMENT_TOKEN_TTL_MS,
  type CreateEnrollmentTokenInput,
} from "@fleet/provisioning";
import { ConfigError, resolveConfig, type Setting } from "@fleet/runtime";
import { z } from "zod";
import type { KubeSource } from "../config.js";
import { labelsFromFlags } from "../device/labels.js";
import type { OperatorEnv } from "../env.js";

type CreateSetting = Setting & { env?: keyof OperatorEnv };

const text = z.string().min(1, "must not be empty");

const maxUsesSchema = z.coerce
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(ENROLLMENT_TOKEN_MAX_USES, `must be at most ${ENROLLMENT_TOKEN_MAX_USES}`);

const HTTPS_RULE =
  "must be the enrollment server's https URL, such as https://fleet.example:8443 (devices send their token to it)";

const serverSchema = z
  .string()
  .max(2048, HTTPS_RULE)
  .refine((value) => URL.canParse(value) && new URL(value).protocol === "https:", HTTPS_RULE);

const settings = {
  kubeconfig: { flag: "kubeconfig", env: "KUBECONFIG", schema: text },
  name: { flag: "name", schema: text },
  expiresIn: {
    flag: "expires-in",
    schema: durationSchema.pipe(z.number().positive("must be longer than 0")),
  },
  maxUses: { flag: "max-uses", schema: maxUsesSchema, default: 1 },
  description: { flag: "description", schema: text },
  server: { flag: "server", env: "ENROLLMENT_PUBLIC_URL", schema: serverSchema },
  serverCa: { flag: "server-ca", schema: text },
} satisfies Record<string, CreateSetting>;

export interface CreateConfig extends KubeSource {
  input: CreateEnrollmentTokenInput;
  /** Where devices enroll; the printed command names it (a placeholder when unknown). */
  server: string | undefined;
  /** The CA file's path on the device, for the printed command. */
  serverCa: string | undefined;
}

export function createConfig(flags: Record<string, unknown>, env: OperatorEnv): CreateConfig {
  const v = resolveConfig(settings, { flags, env });
  // commander's --no-expiry gives expiry: false.
  const noExpiry = flags.expiry === false;
  if (noExpiry && v.expiresIn !== undefined)
    throw new ConfigError([
      {
        setting: "expires-in",
        source: undefined,
        reason: "give --expires-in or --no-expiry, not both",
      },
    ]);
  const input: CreateEnrollmentTokenInput = {
    labels: labelsFromFlags(flags.label as string[] | undefined),
    maxUses: v.maxUses,
    autoApprove: flags.autoApprove === true,
    ...(noExpiry ? { noExpiry: true } : { ttlMs: v.expiresIn ?? DEFAULT_ENROLLMENT_TOKEN_TTL_MS }),
    ...(v.name === undefined ? {} : { name: v.name }),
    ...(v.description === undefined ? {} : { description: v.description }),
  };
  return {
    kubeconfig: v.kubeconfig,
    inCluster: v.kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
    input,
    server: v.server,
    serverCa: v.serverCa,
  };
}
