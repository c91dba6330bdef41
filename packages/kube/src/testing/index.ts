// @fleet/kube/testing: helpers for integration tests against the local platform.
export { installDeploymentCrd, installDeviceCrd, installEnrollmentTokenCrd } from "./crds.js";
