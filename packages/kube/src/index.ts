// @fleet/kube: Kubernetes access shared by the apps, tools and tests. Node only
// (client-node); browser code never imports it.
export {
  apiStatusMessage,
  httpStatusOf,
  isConflict,
  isNotFound,
  isUnprocessable,
} from "./api-errors.js";
export {
  DeploymentClient,
  deploymentsPath,
  type DeploymentBody,
  type DeploymentList,
  type DeploymentObject,
  type JsonPatchOp,
} from "./deployment-client.js";
export {
  DeviceClient,
  deviceNameOf,
  devicesPath,
  type DeviceBody,
  type DeviceList,
  type DeviceObject,
  type DeviceSpecPatch,
  type DeviceWatchOptions,
  type DeviceWriteOptions,
} from "./device-client.js";
export {
  EnrollmentTokenClient,
  type EnrollmentTokenBody,
  type EnrollmentTokenList,
  type EnrollmentTokenObject,
  type EnrollmentTokenWriteOptions,
} from "./enrollment-token-client.js";
export {
  readRevision,
  RevisionClient,
  revisionDeploymentLabelValue,
  revisionHashOf,
  revisionManifest,
  revisionName,
  revisionSelector,
  type RevisionManifestInput,
  type StoredRevision,
} from "./revision-client.js";
export {
  ResourceWatch,
  type ResourceWatchHandlers,
  type ResourceWatchOptions,
  type WatchedObject,
  type WatchRestartReason,
} from "./resource-watch.js";
export { isWatchError, WatchError } from "./watch-error.js";
