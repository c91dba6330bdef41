// Labels from the command line, checked with the contracts' label grammar;
// every bad one is reported at once, naming where it came from:
//   --label key=value (repeatable)        the labels of `device add|approve`, `enrollment create`
//   key=value key2- (arguments)           the changes of `device label`, kubectl-style
import { formatIssues, labelKeySchema, labelValueSchema } from "@fleet/contracts";
import { ConfigError, type ConfigProblem } from "@fleet/runtime";

const flagSource = { kind: "flag", flag: "label" } as const;

const reasonOf = (error: Parameters<typeof formatIssues>[0]): string =>
  formatIssues(error).replace(/^\(root\): /, "");

/** Why `key` is not a label key; undefined when it is one. */
function keyProblem(key: string): string | undefined {
  const parsed = labelKeySchema.safeParse(key);
  return parsed.success ? undefined : reasonOf(parsed.error);
}

/** Why `key=value` is not a label; undefined when it is one. */
function labelProblem(key: string, value: string): string | undefined {
  const parsed = labelValueSchema.safeParse(value);
  return keyProblem(key) ?? (parsed.success ? undefined : reasonOf(parsed.error));
}

export function labelsFromFlags(values: readonly string[] = []): Record<string, string> {
  const labels: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const problem = (value: string, reason: string): void => {
    problems.push({ setting: "label", source: flagSource, value, reason });
  };
  for (const value of values) {
    const equals = value.indexOf("=");
    if (equals < 0) {
      problem(value, "must be key=value, such as site=berlin");
      continue;
    }
    const key = value.slice(0, equals);
    const text = value.slice(equals + 1);
    const bad = labelProblem(key, text);
    if (bad !== undefined) problem(value, bad);
    else if (Object.hasOwn(labels, key)) problem(value, `label "${key}" is given twice`);
    else labels[key] = text;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return labels;
}

export interface LabelChanges {
  set: Record<string, string>;
  remove: string[];
}

/** `device label <id> k=v k2-`: `k=v` sets a label, `k-` removes one. */
export function labelChangesFromArgs(args: readonly string[]): LabelChanges {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const problems: ConfigProblem[] = [];
  const problem = (value: string, reason: string): void => {
    // Arguments have no flag or variable to name: the reason quotes the argument itself.
    const what = value === "" ? "" : `label change "${value}": `;
    problems.push({ setting: "labels", source: undefined, reason: `${what}${reason}` });
  };
  const seen = new Set<string>();
  const once = (value: string, key: string): boolean => {
    if (seen.has(key)) {
      problem(value, `label "${key}" is changed twice`);
      return false;
    }
    seen.add(key);
    return true;
  };
  if (args.length === 0)
    problem("", "say what to change: key=value sets a label, key- removes one");
  for (const value of args) {
    const equals = value.indexOf("=");
    if (equals < 0 && value.endsWith("-")) {
      const key = value.slice(0, -1);
      const bad = keyProblem(key);
      if (bad !== undefined) problem(value, bad);
      else if (once(value, key)) remove.push(key);
      continue;
    }
    if (equals < 0) {
      problem(value, "must be key=value (set) or key- (remove), such as site=berlin or legacy-");
      continue;
    }
    const key = value.slice(0, equals);
    const text = value.slice(equals + 1);
    const bad = labelProblem(key, text);
    if (bad !== undefined) problem(value, bad);
    else if (once(value, key)) set[key] = text;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { set, remove };
}
