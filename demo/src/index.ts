// @fleet/demo as a library: the whole stack for the Playwright suite, which runs
// the browser journey against the same operator, agent and dashboard as the demo.
export {
  startStack,
  stopStack,
  HEARTBEAT_SECONDS,
  type Stack,
  type StackOptions,
} from "./stack.js";
export { DEMO_HOST_PORT, DEMO_NAME, DEMO_NAMESPACE } from "./handoff.js";
export { PodmanApi } from "./podman.js";
export { connectedNatsUsers } from "./nats-monitor.js";
