// @fleet/zitadel: the client side of Zitadel's machine-user protocol. Node only.
export { ASSERTION_LIFETIME_SECONDS, signJwtProfileAssertion } from "./assertion.js";
export {
  isZitadelAlreadyExists,
  isZitadelApiError,
  isZitadelNotFound,
  isZitadelTokenError,
  ZitadelApiError,
  ZitadelTokenError,
} from "./errors.js";
export { fetchTrusting } from "./fetch-trusting.js";
export { limitedResponse, MAX_RESPONSE_BYTES, readLimitedText } from "./limited-body.js";
export {
  ZitadelManagement,
  type MachineUserInput,
  type ZitadelManagementOptions,
} from "./management.js";
export { LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY } from "./local-metadata.js";
export { RENEW_MARGIN_MAX_MS, renewalMarginMs, type Token } from "./renewing-token.js";
export {
  deviceScopes,
  JWT_BEARER_GRANT_TYPE,
  MANAGEMENT_SCOPES,
  projectAudienceScope,
  requestedAudiences,
  ZITADEL_API_AUDIENCE,
} from "./scopes.js";
export { JwtProfileTokenSource, type JwtProfileTokenSourceOptions } from "./token-source.js";
