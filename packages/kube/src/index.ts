// @fleet/kube: Kubernetes access shared by the apps, tools and tests. Node only
// (client-node); browser code never imports it.
export { httpStatusOf, isConflict, isNotFound, isUnprocessable } from "./api-errors.js";
export {
  DeploymentClient,
  deploymentsPath,
  type DeploymentBody,
  type DeploymentList,
  type DeploymentObject,
  type JsonPatchOp,
} from "./deployment-client.js";
