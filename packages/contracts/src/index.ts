// @fleet/contracts: the only home of wire types. Everything public is exported here.
export * from "./agent-status.js";
export * from "./canonical-json.js";
export * from "./crd.js";
export * from "./deployment.js";
export * from "./deployment-status.js";
export * from "./desired-state.js";
export * from "./errors.js";
export * from "./json.js";
export * from "./keys.js";
export * from "./kubernetes-names.js";
export * from "./payload.js";
export * from "./score.js";
export * from "./severity.js";
export * from "./structural-schema.js";
export * from "./timestamp.js";
