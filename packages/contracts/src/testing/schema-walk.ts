// Reading generated CRD schemas in tests: follow a property path, and list
// every string, list and map that carries no size limit.
import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";

/** Paths of strings without maxLength (or enum), arrays without maxItems, maps without maxProperties. */
export function unbounded(node: JsonObject, path: string): string[] {
  const found: string[] = [];
  if (node.type === "string" && node.maxLength === undefined && node.enum === undefined)
    found.push(`${path}: string without maxLength`);
  if (node.type === "array" && node.maxItems === undefined)
    found.push(`${path}: array without maxItems`);
  if (isJsonObject(node.additionalProperties) && node.maxProperties === undefined)
    found.push(`${path}: map without maxProperties`);
  if (isJsonObject(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      if (isJsonObject(child)) found.push(...unbounded(child, `${path}.${name}`));
    }
  }
  if (isJsonObject(node.items)) found.push(...unbounded(node.items, `${path}[]`));
  if (isJsonObject(node.additionalProperties))
    found.push(...unbounded(node.additionalProperties, `${path}{}`));
  return found;
}

/** Follows a property path through nested `properties` (`[]` steps into `items`). */
export function at(schema: JsonObject, path: readonly string[]): JsonObject {
  let node: JsonValue = schema;
  for (const segment of path) {
    if (!isJsonObject(node)) throw new Error(`not an object before ${segment}`);
    const next: JsonValue | undefined =
      segment === "[]"
        ? node.items
        : isJsonObject(node.properties)
          ? node.properties[segment]
          : undefined;
    if (next === undefined) throw new Error(`no ${segment}`);
    node = next;
  }
  if (!isJsonObject(node)) throw new Error("not an object");
  return node;
}
