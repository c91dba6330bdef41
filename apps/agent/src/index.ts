// @fleet/agent's public surface: what other workspaces and tests may use.
export { startAgent, type RunningAgent } from "./agent.js";
export { loadConfig, DEFAULT_CONFIG_FILE } from "./config/load.js";
export { SETTINGS, type AgentConfig } from "./config/settings.js";
export { AGENT_VERSION } from "./version.js";
