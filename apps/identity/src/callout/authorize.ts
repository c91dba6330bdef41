// Which kind of caller presents which token: a browser ticket (signed by the
// dashboard) or a device's IdP access token (issued by the IdP). The issuer is
// only peeked here to pick the check; each check verifies the token fully.
import { BROWSER_TICKET_ISSUER, TICKET_MAX_LENGTH } from "@fleet/contracts";
import type { AuthorizationRequest } from "@nats-io/jwt";
import { decodeJwt } from "jose";
import { admitBrowser } from "../browser/admit-browser.js";
import type { SessionVerdicts } from "../browser/session-verdicts.js";
import type { KeyObject } from "node:crypto";
import { ACCESS_TOKEN_MAX_LENGTH } from "../device/access-token.js";
import { admitDevice, type DeviceAdmissionOptions } from "../device/admit-device.js";
import { refuse, type Decision } from "./decision.js";

export interface AuthorizeOptions {
  /** The IdP's issuer: tokens it issued are device credentials. */
  idpIssuer: string;
  device: DeviceAdmissionOptions;
  browser: { ticketPublicKey: KeyObject; verdicts: SessionVerdicts };
}

const MAX_TOKEN_LENGTH = Math.max(ACCESS_TOKEN_MAX_LENGTH, TICKET_MAX_LENGTH);

function issuerOf(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

export async function authorize(
  request: AuthorizationRequest,
  options: AuthorizeOptions,
  now: number,
): Promise<Decision> {
  const token = request.connect_opts.auth_token;
  if (token === undefined || token === "") {
    return refuse("unknown", "no-token", "no token presented (anonymous, user/password or nkey)");
  }
  if (token.length > MAX_TOKEN_LENGTH) return refuse("unknown", "unknown-token", "token too long");
  const issuer = issuerOf(token);
  if (issuer === BROWSER_TICKET_ISSUER) return admitBrowser(request, token, options.browser, now);
  if (issuer !== undefined && issuer === options.idpIssuer) {
    return admitDevice(request, token, options.device, now);
  }
  return refuse(
    "unknown",
    "unknown-token",
    issuer === undefined ? "the token is not a JWT" : "token from an unknown issuer",
  );
}
