// @fleet/provisioning: devices' identities and their Device CRs, for
// `iot-operator device …`, the dashboard's Devices page, the demo and tests.
export {
  createProvisioning,
  type AddDeviceInput,
  type DeliveryOptions,
  type Provisioning,
  type ProvisioningOptions,
} from "./provisioning.js";
export { assembleCredentials, type CredentialsContext } from "./credentials.js";
export {
  credentialsContext,
  idpMachineUsers,
  provisioningWith,
  type IdpAdmin,
  type ProvisioningSettings,
} from "./connect.js";
export { deviceRegistry } from "./device-registry.js";
export {
  checkCredentialsTarget,
  credentialsFileText,
  writeCredentialsFile,
  CREDENTIALS_FILE_MODE,
  type WriteCredentialsOptions,
} from "./credentials-file.js";
export {
  CredentialsFileExistsError,
  isProvisioningError,
  ProvisioningError,
  type ProvisioningFailure,
} from "./errors.js";
export { readPrivateKeyFile } from "./key-file.js";
export { enrollmentSecretMatches, hashEnrollmentSecret } from "./enrollment-secret.js";
export {
  createEnrollmentToken,
  DEFAULT_ENROLLMENT_TOKEN_TTL_MS,
  enrollCommandFor,
  listEnrollmentTokens,
  MAX_ENROLLMENT_TOKEN_TTL_MS,
  revokeEnrollmentToken,
  summaryOf,
  type CreatedEnrollmentToken,
  type CreateEnrollmentTokenInput,
  type EnrollmentTokenState,
  type EnrollmentTokenSummary,
} from "./enrollment-tokens.js";
export { enrollCommand, shellWord, type EnrollCommandInput } from "./enroll-command.js";
export {
  approveDevice,
  changeDeviceLabels,
  setDeviceLabels,
  type ApproveDeviceOptions,
  type LabelChange,
} from "./device-approval.js";
export type { DeviceRegistry, DryRun, MachineUsers } from "./ports.js";
