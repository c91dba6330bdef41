// Typed errors of the runtime package. Callers branch with the is...() helpers,
// never on message text; each problem carries its setting and source as fields.

/** Where a configuration value came from. */
export type ConfigSource =
  | { kind: "flag"; flag: string }
  | { kind: "env"; variable: string }
  /** `key` is absent for a problem with the file as a whole; `namedBy` says how the path was chosen. */
  | { kind: "file"; path: string; key?: string; namedBy?: string }
  | { kind: "default"; flag?: string };

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The setting's key (e.g. heartbeatPeriod); undefined for a file as a whole. */
  readonly setting: string | undefined;
  /** Undefined when no single source is to blame (missing, or two settings that disagree). */
  readonly source: ConfigSource | undefined;
  /** The raw value as it was given, when one was. */
  readonly value?: unknown;
  /** What is wrong; without a source, a whole sentence that names the settings. */
  readonly reason: string;
}

/** How a person reads a source: `--heartbeat-period (flag)`, `HEARTBEAT_PERIOD (env)`, `heartbeatPeriod in /etc/iot/agent.json`. */
export function describeSource(setting: string | undefined, source: ConfigSource): string {
  switch (source.kind) {
    case "flag":
      return `--${source.flag} (flag)`;
    case "env":
      return `${source.variable} (env)`;
    case "file": {
      if (source.key !== undefined) return `${source.key} in ${source.path}`;
      const namedBy = source.namedBy === undefined ? "" : ` (named by ${source.namedBy})`;
      return `config file ${source.path}${namedBy}`;
    }
    case "default":
      return `${source.flag === undefined ? (setting ?? "") : `--${source.flag}`} (default)`;
  }
}

/** One line per problem: `<source> = <value>: <reason>`, or the reason alone. */
export function formatProblem(problem: ConfigProblem): string {
  if (problem.source === undefined) return problem.reason;
  const value = problem.value === undefined ? "" : ` = ${JSON.stringify(problem.value)}`;
  return `${describeSource(problem.setting, problem.source)}${value}: ${problem.reason}`;
}

/** Every problem found in one pass, so all of them are fixed in one go. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(`invalid configuration:\n  ${problems.map(formatProblem).join("\n  ")}`, options);
    this.problems = problems;
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
