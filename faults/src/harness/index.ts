// The fault suite's harness: what every *.fault.test.ts builds on. See
// faults/README.md for how a scenario uses it.
export { FaultWorld, type FaultWorldOptions } from "./fault-world.js";
export { LoadDriver } from "./load-driver.js";
export { SimulatedAgents } from "./simulated-agents.js";
export { OperatorPair, type OperatorPairOptions } from "./operator-pair.js";
export { DesiredHistory, type HistoryOp } from "./desired-history.js";
export {
  inconsistencies,
  recreatedContainers,
  repeatedWrites,
  type WorldSnapshot,
} from "./consistency.js";
export { imageOf, specOf, VERSION_ENV, type DeploymentPlan } from "./workload.js";
export { measure } from "./measure.js";
export * from "./nats-cluster.js";
export { killNatsNode, startNatsNode } from "./nats-nodes.js";
