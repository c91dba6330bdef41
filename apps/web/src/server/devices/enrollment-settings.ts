// Where devices enroll: the enrollment server's URL (and the CA path devices
// verify it with) that the "Add device" command names. Unset: the Devices
// page creates no enrollment tokens and says which setting is missing.
import type { Env } from "../../env";

export interface EnrollmentSettings {
  /** iot-identity's enrollment URL as devices reach it. */
  serverUrl: string;
  /** The CA bundle's path on devices, when the server's certificate is not publicly trusted. */
  serverCaFile?: string | undefined;
}

export function enrollmentSettings(env: Env): EnrollmentSettings | undefined {
  if (env.ENROLLMENT_URL === undefined) return undefined;
  return { serverUrl: env.ENROLLMENT_URL, serverCaFile: env.ENROLLMENT_SERVER_CA };
}
