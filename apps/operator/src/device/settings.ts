// Settings of `iot-operator device …`: flags > env, resolved and validated by
// @fleet/runtime, every bad value named with where it came from before
// anything is asked of the API server or the IdP. Secrets come from files:
// the IdP admin's key file (private), the issuer's CA.
import { readFileSync } from "node:fs";
import {
  deviceCredentialsSchema,
  issuerUrlSchema,
  natsServersSchema,
  zitadelIdSchema,
  type ZitadelKey,
} from "@fleet/contracts";
import { readPrivateKeyFile } from "@fleet/provisioning";
import { resolveConfig, type Setting } from "@fleet/runtime";
import { z } from "zod";
import type { KubeSource } from "../config.js";
import type { OperatorEnv } from "../env.js";

type DeviceSetting = Setting & { env?: keyof OperatorEnv };

const text = z.string().min(1, "must not be empty");

function fileText(path: string, ctx: z.RefinementCtx): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    ctx.addIssue({ code: "custom", message: `cannot read this file (${code})` });
    return z.NEVER;
  }
}

const issuerCaSchema = deviceCredentialsSchema.shape.issuerCa.unwrap();

/** A PEM file of the CA(s) to trust for the issuer; its text goes into each credential file too. */
const caFileSchema = text.transform(fileText).pipe(issuerCaSchema);

/** The IdP admin's Zitadel key file; private to its owner. */
const adminKeyFileSchema = text.transform((path, ctx): ZitadelKey => {
  try {
    return readPrivateKeyFile(path);
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: error instanceof Error ? error.message : String(error),
    });
    return z.NEVER;
  }
});

const kubeSettings = {
  kubeconfig: { flag: "kubeconfig", env: "KUBECONFIG", schema: text },
} satisfies Record<string, DeviceSetting>;

const idpSettings = {
  ...kubeSettings,
  issuer: { flag: "issuer", env: "OIDC_ISSUER", schema: issuerUrlSchema, required: true },
  issuerCa: { flag: "issuer-ca", env: "OIDC_CA_FILE", schema: caFileSchema },
  projectId: {
    flag: "project-id",
    env: "ZITADEL_PROJECT_ID",
    schema: zitadelIdSchema,
    required: true,
  },
  adminKey: {
    flag: "admin-key-file",
    env: "ZITADEL_ADMIN_KEY_FILE",
    schema: adminKeyFileSchema,
    required: true,
  },
} satisfies Record<string, DeviceSetting>;

const credentialSettings = {
  ...idpSettings,
  natsUrl: { flag: "nats-url", env: "NATS_URL", schema: natsServersSchema, required: true },
  out: { flag: "out", schema: text, required: true },
} satisfies Record<string, DeviceSetting>;

export interface IdpConfig extends KubeSource {
  issuer: string;
  /** PEM text of the issuer's CA, when it is a private one. */
  issuerCa: string | undefined;
  projectId: string;
  adminKey: ZitadelKey;
}

export interface CredentialConfig extends IdpConfig {
  natsServers: string[];
  out: string;
}

function kubeSource(kubeconfig: string | undefined, env: OperatorEnv): KubeSource {
  return {
    kubeconfig,
    inCluster: kubeconfig === undefined && env.KUBERNETES_SERVICE_HOST !== undefined,
  };
}

/** `device list`: only where the API server is. */
export function listConfig(flags: Record<string, unknown>, env: OperatorEnv): KubeSource {
  return kubeSource(resolveConfig(kubeSettings, { flags, env }).kubeconfig, env);
}

type IdpValues = Omit<IdpConfig, keyof KubeSource> & { kubeconfig: string | undefined };

function idpFrom(v: IdpValues, env: OperatorEnv): IdpConfig {
  return {
    ...kubeSource(v.kubeconfig, env),
    issuer: v.issuer,
    issuerCa: v.issuerCa,
    projectId: v.projectId,
    adminKey: v.adminKey,
  };
}

/** `device disable|enable|remove`: the API server and the IdP. */
export function idpConfig(flags: Record<string, unknown>, env: OperatorEnv): IdpConfig {
  return idpFrom(resolveConfig(idpSettings, { flags, env }), env);
}

/** `device add|rotate-key`: that, plus what goes into the credential file and where. */
export function credentialConfig(
  flags: Record<string, unknown>,
  env: OperatorEnv,
): CredentialConfig {
  const v = resolveConfig(credentialSettings, { flags, env });
  return { ...idpFrom(v, env), natsServers: v.natsUrl, out: v.out };
}
