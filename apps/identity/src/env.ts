// The only reader of process.env in the identity service. Values stay raw
// text here; config/load.ts validates them with their flag and file values.
import { IDENTITY_ENV_NAMES } from "./config/settings.js";

export type IdentityEnv = Readonly<Record<string, string | undefined>> & {
  IOT_IDENTITY_CONFIG?: string;
  KUBERNETES_SERVICE_HOST?: string;
};

const NAMES = new Set(IDENTITY_ENV_NAMES);

/** The variables the service reads, blank ones left out. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): IdentityEnv {
  return Object.fromEntries(
    Object.entries(source).filter(
      ([name, value]) => NAMES.has(name) && value !== undefined && value.trim() !== "",
    ),
  );
}
