// The operator's integration-test world, for suites outside this workspace
// (the fault suite, faults/): typed CR and KV fixtures, and a fleet of real
// provisioned agents on podman with the helpers that read their containers.
export { Cluster, Kv, runId, type StoredDeployment } from "./fixtures.js";
export {
  AgentFleet,
  type AgentFleetOptions,
  type FleetAgent,
} from "../integration-rollout/testing/agent-fleet.js";
export {
  containersOf,
  deploymentContainers,
  removeDeviceContainers,
  type DeviceContainer,
} from "../integration-rollout/testing/podman.js";
