// Canonical JSON: object keys sorted recursively, no whitespace.
// The operator writes a KV entry only when its bytes change and the agent detects
// drift by comparing bytes, so equal content must always serialize to equal bytes
// regardless of the order in which code happened to build the object.

/**
 * Serializes `value` like JSON.stringify (undefined object members and functions
 * are omitted, undefined array items become null) but with object keys sorted by
 * UTF-16 code unit at every depth and no insignificant whitespace.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) {
    throw new TypeError("canonicalJson: value has no JSON representation");
  }
  return text;
}

function serialize(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") {
    // Primitives follow JSON.stringify exactly: undefined, functions and symbols
    // yield undefined at runtime (the lib typing says string), bigint throws.
    const text: string | undefined = JSON.stringify(value);
    return text;
  }
  if (hasToJSON(value)) {
    // Honour toJSON (e.g. Date) the way JSON.stringify would.
    return serialize(value.toJSON());
  }
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => serialize(item) ?? "null");
    return `[${items.join(",")}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = serialize((value as Record<string, unknown>)[key]);
    if (member !== undefined) {
      members.push(`${JSON.stringify(key)}:${member}`);
    }
  }
  return `{${members.join(",")}}`;
}

function hasToJSON(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === "function";
}
