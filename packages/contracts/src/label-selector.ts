// Kubernetes label selectors (metav1.LabelSelector): the schema a Deployment's
// targetSelector is checked with, the one matching rule the operator and the
// dashboard share, and the kubectl text syntax the CLI and forms accept
// (`app=kiosk,region in (eu,us),!legacy,tier!=canary`).
import { z } from "zod";
import { labelKeySchema, labelValueSchema } from "./kubernetes-names.js";
import {
  SELECTOR_EXPRESSIONS_MAX_ITEMS,
  SELECTOR_MATCH_LABELS_MAX_PROPERTIES,
  SELECTOR_TEXT_MAX_LENGTH,
  SELECTOR_VALUES_MAX_ITEMS,
} from "./limits.js";

export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;
export const selectorOperatorSchema = z.enum(SELECTOR_OPERATORS);
export type SelectorOperator = z.output<typeof selectorOperatorSchema>;

export const labelSelectorRequirementSchema = z
  .object({
    key: labelKeySchema,
    operator: selectorOperatorSchema,
    values: z
      .array(labelValueSchema)
      .max(SELECTOR_VALUES_MAX_ITEMS, `must list at most ${SELECTOR_VALUES_MAX_ITEMS} values`)
      .optional(),
  })
  .superRefine((requirement, ctx) => {
    const count = requirement.values?.length ?? 0;
    const needsValues = requirement.operator === "In" || requirement.operator === "NotIn";
    if (needsValues && count === 0)
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `operator ${requirement.operator} needs at least one value`,
      });
    if (!needsValues && count > 0)
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `operator ${requirement.operator} takes no values`,
      });
  });

const EMPTY_SELECTOR_MESSAGE =
  "must have at least one label or expression (an empty selector would match every device)";

export const labelSelectorSchema = z
  .object({
    matchLabels: z
      .record(labelKeySchema, labelValueSchema)
      .refine(
        (labels) => Object.keys(labels).length <= SELECTOR_MATCH_LABELS_MAX_PROPERTIES,
        `must have at most ${SELECTOR_MATCH_LABELS_MAX_PROPERTIES} labels`,
      )
      .meta({ maxProperties: SELECTOR_MATCH_LABELS_MAX_PROPERTIES })
      .optional(),
    matchExpressions: z
      .array(labelSelectorRequirementSchema)
      .max(
        SELECTOR_EXPRESSIONS_MAX_ITEMS,
        `must hold at most ${SELECTOR_EXPRESSIONS_MAX_ITEMS} expressions`,
      )
      .optional(),
  })
  // An empty selector would match every device: a rollout to the whole fleet
  // must be asked for explicitly (`matchExpressions` with Exists on a label).
  .refine(
    (selector) =>
      Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) > 0,
    EMPTY_SELECTOR_MESSAGE,
  )
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
        message: EMPTY_SELECTOR_MESSAGE,
      },
    ],
  });

export type LabelSelectorRequirement = z.output<typeof labelSelectorRequirementSchema>;
export type LabelSelector = z.output<typeof labelSelectorSchema>;

function requirementHolds(
  requirement: LabelSelectorRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const value = Object.hasOwn(labels, requirement.key) ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case "In":
      return value !== undefined && (requirement.values ?? []).includes(value);
    case "NotIn":
      // As in Kubernetes: a device without the label is "not in" any set.
      return value === undefined || !(requirement.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}

/** True when `labels` satisfy every term of the selector (Kubernetes' semantics). */
export function matchesSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(have, key) || have[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!requirementHolds(requirement, have)) return false;
  }
  return true;
}

/** A selector text that cannot be parsed; `position` is the 0-based offset of the problem. */
export class LabelSelectorSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(`label selector: ${message} (at character ${position + 1})`);
    this.name = "LabelSelectorSyntaxError";
    this.position = position;
  }
}

// One term of the kubectl grammar. Keys and values are checked by the schema
// afterwards, so the scanner only needs to find where each one ends.
const TOKEN = /[A-Za-z0-9._/-]+/y;

class SelectorScanner {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  get position(): number {
    return this.#at;
  }

  skipSpaces(): void {
    while (this.#text[this.#at] === " " || this.#text[this.#at] === "\t") this.#at++;
  }

  done(): boolean {
    this.skipSpaces();
    return this.#at >= this.#text.length;
  }

  eat(literal: string): boolean {
    this.skipSpaces();
    if (!this.#text.startsWith(literal, this.#at)) return false;
    this.#at += literal.length;
    return true;
  }

  /** A keyword (in, notin) followed by a space or '('. */
  eatWord(word: string): boolean {
    this.skipSpaces();
    const end = this.#at + word.length;
    if (this.#text.slice(this.#at, end).toLowerCase() !== word) return false;
    const next = this.#text[end];
    if (next !== undefined && next !== " " && next !== "(" && next !== "\t") return false;
    this.#at = end;
    return true;
  }

  token(what: string): string {
    this.skipSpaces();
    TOKEN.lastIndex = this.#at;
    const match = TOKEN.exec(this.#text);
    if (match === null) throw new LabelSelectorSyntaxError(`expected ${what}`, this.#at);
    this.#at += match[0].length;
    return match[0];
  }

  /** A value may be empty (`tier=`), as in kubectl. */
  optionalToken(): string {
    this.skipSpaces();
    TOKEN.lastIndex = this.#at;
    const match = TOKEN.exec(this.#text);
    if (match === null) return "";
    this.#at += match[0].length;
    return match[0];
  }
}

function parseValueSet(scan: SelectorScanner): string[] {
  if (!scan.eat("("))
    throw new LabelSelectorSyntaxError("expected '(' after in/notin", scan.position);
  const values: string[] = [];
  do {
    values.push(scan.token("a value"));
  } while (scan.eat(","));
  if (!scan.eat(")")) throw new LabelSelectorSyntaxError("expected ',' or ')'", scan.position);
  return values;
}

function parseTerm(scan: SelectorScanner, selector: MutableSelector): void {
  if (scan.eat("!")) {
    selector.expressions.push({
      key: scan.token("a label key after '!'"),
      operator: "DoesNotExist",
    });
    return;
  }
  const key = scan.token("a label key");
  if (scan.eat("!=")) {
    selector.expressions.push({ key, operator: "NotIn", values: [scan.optionalToken()] });
  } else if (scan.eat("==") || scan.eat("=")) {
    const value = scan.optionalToken();
    const earlier = selector.matchLabels[key];
    if (earlier !== undefined && earlier !== value)
      throw new LabelSelectorSyntaxError(
        `label ${key} is required twice with different values`,
        scan.position,
      );
    selector.matchLabels[key] = value;
  } else if (scan.eatWord("notin")) {
    selector.expressions.push({ key, operator: "NotIn", values: parseValueSet(scan) });
  } else if (scan.eatWord("in")) {
    selector.expressions.push({ key, operator: "In", values: parseValueSet(scan) });
  } else {
    selector.expressions.push({ key, operator: "Exists" });
  }
}

interface MutableSelector {
  matchLabels: Record<string, string>;
  expressions: LabelSelectorRequirement[];
}

/**
 * Parses kubectl's selector syntax into a LabelSelector, checked by the schema.
 * Throws LabelSelectorSyntaxError (grammar) or a PayloadError-like message via
 * `labelSelectorSchema` (an invalid key or value), both naming what is wrong.
 */
export function parseLabelSelector(text: string): LabelSelector {
  if (text.length > SELECTOR_TEXT_MAX_LENGTH)
    throw new LabelSelectorSyntaxError(
      `must be at most ${SELECTOR_TEXT_MAX_LENGTH} characters`,
      SELECTOR_TEXT_MAX_LENGTH,
    );
  const scan = new SelectorScanner(text);
  if (scan.done()) throw new LabelSelectorSyntaxError("is empty", 0);
  const selector: MutableSelector = { matchLabels: {}, expressions: [] };
  do {
    parseTerm(scan, selector);
  } while (scan.eat(","));
  if (!scan.done()) throw new LabelSelectorSyntaxError("expected ',' between terms", scan.position);
  const parsed = labelSelectorSchema.safeParse({
    ...(Object.keys(selector.matchLabels).length > 0 ? { matchLabels: selector.matchLabels } : {}),
    ...(selector.expressions.length > 0 ? { matchExpressions: selector.expressions } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "" : issue.path.join(".");
    throw new LabelSelectorSyntaxError(
      `${where === "" ? "" : `${where}: `}${issue?.message ?? "invalid"}`,
      0,
    );
  }
  return parsed.data;
}

/** The kubectl text of a selector (the inverse of parseLabelSelector, up to term order). */
export function formatLabelSelector(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    switch (operator) {
      case "In":
        terms.push(`${key} in (${values.join(",")})`);
        break;
      case "NotIn":
        terms.push(
          values.length === 1 ? `${key}!=${values[0] ?? ""}` : `${key} notin (${values.join(",")})`,
        );
        break;
      case "Exists":
        terms.push(key);
        break;
      case "DoesNotExist":
        terms.push(`!${key}`);
        break;
    }
  }
  return terms.join(",");
}
