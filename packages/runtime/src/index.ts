// @fleet/runtime: the one home of the mechanisms every fleet program shares.
export { Backoff, backoffDelay, type BackoffPolicy } from "./backoff.js";
export {
  resolveConfig,
  type ConfigFile,
  type ConfigSources,
  type ConfigValues,
  type Setting,
  type Settings,
} from "./config.js";
export { readConfigFile } from "./config-file.js";
export {
  ConfigError,
  describeSource,
  formatProblem,
  isConfigError,
  type ConfigProblem,
  type ConfigSource,
} from "./errors.js";
export {
  startHttpServer,
  type HttpServer,
  type MetricsSource,
  type Readiness,
} from "./http-server.js";
export { KeyedQueue, type FailedRun, type KeyedQueueOptions, type KeyWork } from "./keyed-queue.js";
export {
  createLogger,
  LOG_LEVELS,
  logLevelSchema,
  silentLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from "./logger.js";
