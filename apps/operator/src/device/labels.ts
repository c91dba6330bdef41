// `--label key=value` (repeatable) into a Device's labels, checked with the
// contracts' label grammar; every bad one is reported at once, naming the flag.
import { formatIssues, labelKeySchema, labelValueSchema } from "@fleet/contracts";
import { ConfigError, type ConfigProblem } from "@fleet/runtime";

const source = { kind: "flag", flag: "label" } as const;

export function labelsFromFlags(values: readonly string[] = []): Record<string, string> {
  const labels: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const problem = (value: string, reason: string): void => {
    problems.push({ setting: "label", source, value, reason });
  };
  for (const value of values) {
    const equals = value.indexOf("=");
    if (equals < 0) {
      problem(value, "must be key=value, such as site=berlin");
      continue;
    }
    const key = value.slice(0, equals);
    const text = value.slice(equals + 1);
    const parsedKey = labelKeySchema.safeParse(key);
    const parsedValue = labelValueSchema.safeParse(text);
    if (!parsedKey.success)
      problem(value, formatIssues(parsedKey.error).replace(/^\(root\): /, ""));
    else if (!parsedValue.success)
      problem(value, formatIssues(parsedValue.error).replace(/^\(root\): /, ""));
    else if (Object.hasOwn(labels, key)) problem(value, `label "${key}" is given twice`);
    else labels[key] = text;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return labels;
}
