// Typed errors for the two ways wire data goes wrong: a payload that does not
// match its schema, and a KV key that does not follow the key grammar. Callers
// branch on these (e.g. the agent marks a deployment Failed on PayloadError)
// instead of matching message text.

/** One problem in a payload: where it is and what is wrong. */
export interface PayloadIssue {
  /** Field path such as `score.PodmanV0.services[0].ports[0].hostPort`; `(root)` for the whole value. */
  readonly path: string;
  readonly message: string;
}

/** A payload (KV value, CR) that is not JSON or does not match its schema. */
export class PayloadError extends Error {
  override readonly name = "PayloadError";
  readonly issues: readonly PayloadIssue[];

  constructor(message: string, issues: readonly PayloadIssue[], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}

/** A KV key (or one of its tokens) that does not follow the key grammar. */
export class InvalidKeyError extends Error {
  override readonly name = "InvalidKeyError";
  /** The whole key (or the key-building input) that was rejected. */
  readonly key: string;
  /** The offending token, when one token is to blame. */
  readonly token: string | undefined;

  constructor(message: string, key: string, token?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.key = key;
    this.token = token;
  }
}

export function isPayloadError(error: unknown): error is PayloadError {
  return error instanceof PayloadError;
}

export function isInvalidKeyError(error: unknown): error is InvalidKeyError {
  return error instanceof InvalidKeyError;
}

/** The subset of a zod issue we read; structural so any zod 4 error fits. */
interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Nested issues, e.g. zod's `invalid_key` for a bad record key. */
  readonly issues?: readonly IssueLike[];
}

/** Formats a path as `a.b[0].c`; keys that are not identifiers are quoted: `a["x.y"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
    } else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment)) {
      out += out === "" ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(String(segment))}]`;
    }
  }
  return out === "" ? "(root)" : out;
}

/** Flattens zod issues into `{ path, message }` pairs with readable paths. */
export function issuesFromZodError(error: {
  readonly issues: readonly IssueLike[];
}): PayloadIssue[] {
  const out: PayloadIssue[] = [];
  const visit = (issue: IssueLike, prefix: readonly PropertyKey[]): void => {
    const path = [...prefix, ...issue.path];
    if (issue.issues !== undefined && issue.issues.length > 0) {
      // A bad record key: report the key's own messages, not "Invalid key in record".
      for (const inner of issue.issues) visit(inner, path);
      return;
    }
    out.push({ path: formatPath(path), message: issue.message });
  };
  for (const issue of error.issues) visit(issue, []);
  return out;
}

/** `path: message; path: message` — one line that names every offending field. */
export function formatIssues(error: { readonly issues: readonly IssueLike[] }): string {
  return issuesFromZodError(error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
}
