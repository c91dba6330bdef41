// Where the agent's NATS identity comes from. Pluggable: today a .creds or a
// token file (or nothing, for the local platform's auth-less NATS); a
// per-device identity minted at enrolment is another implementation later.
import { readFileSync } from "node:fs";
import {
  credsAuthenticator,
  tokenAuthenticator,
  type Authenticator,
} from "@nats-io/transport-node";
import type { CredentialsSetting } from "../config/settings.js";

export interface CredentialSource {
  /** For logs: what kind of identity and from where, never the secret itself. */
  describe(): string;
  /** Called on every (re)connect, so a rotated file is picked up without a restart. */
  authenticator(): Authenticator | undefined;
}

export const noCredentials: CredentialSource = {
  describe: () => "none (anonymous)",
  authenticator: () => undefined,
};

export function credsFileSource(file: string): CredentialSource {
  return {
    describe: () => `NATS creds file ${file}`,
    authenticator: () => credsAuthenticator(() => readFileSync(file)),
  };
}

export function tokenFileSource(file: string): CredentialSource {
  return {
    describe: () => `token file ${file}`,
    authenticator: () => tokenAuthenticator(() => readFileSync(file, "utf8").trim()),
  };
}

export function credentialSourceFor(setting: CredentialsSetting): CredentialSource {
  switch (setting.type) {
    case "none":
      return noCredentials;
    case "creds":
      return credsFileSource(setting.file);
    case "token":
      return tokenFileSource(setting.file);
  }
}
