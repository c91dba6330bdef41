// Library surface of @fleet/identity (the CLI is main.ts): the service for
// in-process use, and the pieces other parts name (user names, settings).
export {
  startIdentityService,
  type IdentityService,
  type IdentityServiceOptions,
} from "./service.js";
export type { KeyFiles } from "./keys.js";
export { deviceUserName } from "./device/admit-device.js";
export { browserUserName } from "./browser/admit-browser.js";
export {
  verifyBrowserTicket,
  isTicketRefusedError,
  type BrowserTicketClaims,
} from "./browser/ticket.js";
export { IDENTITY_ENV_NAMES, SETTINGS as IDENTITY_SETTINGS } from "./config/settings.js";
export { AUTH_CALLOUT_SUBJECT, CALLOUT_QUEUE } from "./callout/responder.js";
export {
  KubernetesPolicySource,
  type DevicePolicy,
  type KubernetesPolicySourceOptions,
  type PolicyLookup,
  type PolicySource,
} from "./policy/index.js";
