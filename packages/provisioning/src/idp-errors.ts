// What the IdP's management API answered, through @fleet/zitadel's typed
// errors (HTTP status or Zitadel's gRPC code, never message text).
import { isZitadelAlreadyExists, isZitadelApiError, isZitadelNotFound } from "@fleet/zitadel";

/** gRPC FAILED_PRECONDITION: e.g. deactivating a user that is already inactive. */
const FAILED_PRECONDITION = 9;

export const isIdpNotFound = isZitadelNotFound;
export const isIdpConflict = isZitadelAlreadyExists;
/** The user is already in the state asked for. */
export const isIdpPrecondition = (error: unknown): boolean =>
  isZitadelApiError(error) && error.code === FAILED_PRECONDITION;
