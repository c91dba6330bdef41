// What the identity service decides for one connection: admit it as a named
// NATS user with these claims until then, or refuse it for a reason. Reasons
// are short fixed codes (a bounded metrics label); the detail is for the log.
import type { User } from "@nats-io/jwt";
import type { TokenRefusalCode } from "../device/access-token.js";

export type CallerKind = "device" | "browser" | "unknown";

export type RefusalCode =
  // any caller
  | "no-token"
  | "unknown-token"
  | "wrong-connection-type"
  // devices: the access token's check, then the registry's answer
  | TokenRefusalCode
  | "device-unknown"
  | "device-disabled"
  // browsers
  | "ticket-refused"
  | "session-ended"
  | "session-role-changed";

export interface Admission {
  admit: true;
  kind: CallerKind;
  /** The user JWT's name; nats-server reports it as the connection's authorized user. */
  name: string;
  claims: Partial<User>;
  /** Epoch ms: the user JWT's `exp`, when nats-server disconnects the client. */
  expiresAt: number;
  /** For the log (e.g. the device id); never a credential. */
  subject: string;
}

export interface Refusal {
  admit: false;
  kind: CallerKind;
  code: RefusalCode;
  /** A sentence for the log; never a credential. */
  detail: string;
}

export type Decision = Admission | Refusal;

export const refuse = (kind: CallerKind, code: RefusalCode, detail: string): Refusal => ({
  admit: false,
  kind,
  code,
  detail,
});
