// Turns a JSON Schema produced by z.toJSONSchema (target "openapi-3.0") into a
// Kubernetes *structural* schema, the only kind a v1 CRD accepts: no $ref or
// definitions, a `type` on every node, no `additionalProperties` next to
// `properties`, and no anyOf/oneOf carrying types. Anything it cannot convert
// faithfully throws, so a schema change that would silently weaken API-server
// validation fails the unit tests instead.
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";

// Keywords of apiextensions.k8s.io/v1 JSONSchemaProps copied through unchanged.
const KEPT = new Set(
  [
    "type format title description default enum example externalDocs nullable",
    "maximum minimum exclusiveMaximum exclusiveMinimum multipleOf",
    "maxLength minLength pattern maxItems minItems maxProperties minProperties required",
  ]
    .join(" ")
    .split(" "),
);
// Generator bookkeeping and annotations a CRD has no field for.
const DROPPED = new Set(
  "$schema $id id $defs definitions $comment examples propertyNames".split(" "),
);

/** Converts `schema` (and everything it references) into a structural schema. */
export function toStructuralSchema(schema: JsonObject): JsonObject {
  const defs = { ...objectAt(schema, "definitions"), ...objectAt(schema, "$defs") };
  return convert(schema, "", defs, []);
}

function objectAt(node: JsonObject, key: string): JsonObject {
  const value = node[key];
  return isJsonObject(value) ? value : {};
}

function fail(path: string, problem: string): never {
  throw new Error(`structural schema: ${path === "" ? "(root)" : path}: ${problem}`);
}

function convert(
  input: JsonObject,
  path: string,
  defs: JsonObject,
  outerRefs: readonly string[],
): JsonObject {
  // `refs` grows with every definition inlined on the way down, to catch cycles.
  const { node, refs } = inlineWrappers(input, path, defs, outerRefs);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || key === "$ref") continue;
    if (key.startsWith("x-kubernetes-") || KEPT.has(key)) {
      out[key] = value;
    } else if (key === "const") {
      out.enum = [value];
    } else if (key === "properties") {
      out.properties = convertProperties(value, path, defs, refs);
    } else if (key === "items") {
      if (!isJsonObject(value)) fail(path, "items must be a single schema");
      out.items = convert(value, `${path}[]`, defs, refs);
    } else if (key === "additionalProperties") {
      // `false` (closed object) is forbidden next to properties; the API server
      // prunes unknown fields instead. `true`/`{}` means "keep anything".
      if (value === false) continue;
      if (value === true || (isJsonObject(value) && Object.keys(value).length === 0)) {
        out["x-kubernetes-preserve-unknown-fields"] = true;
      } else if (isJsonObject(value)) {
        out.additionalProperties = convert(value, `${path}{}`, defs, refs);
      }
    } else {
      fail(path, `unsupported keyword "${key}"`);
    }
  }
  normalizeExclusiveBounds(out);
  if (out.properties !== undefined && out.additionalProperties !== undefined) {
    fail(path, "properties and additionalProperties cannot both be set");
  }
  out.type ??= inferType(out, path);
  if (typeof out.type !== "string" || out.type === "null")
    fail(path, "type must be one non-null type name");
  return out;
}

/** Resolves `$ref` and single-element `allOf` (how zod wraps a reused schema with extra metadata). */
function inlineWrappers(
  node: JsonObject,
  path: string,
  defs: JsonObject,
  refs: readonly string[],
): { node: JsonObject; refs: readonly string[] } {
  for (const junctor of ["anyOf", "oneOf", "not"]) {
    if (junctor in node) fail(path, `${junctor} is not supported; give the node a single type`);
  }
  let current = node;
  const allOf = current.allOf;
  if (allOf !== undefined) {
    if (!Array.isArray(allOf) || allOf.length !== 1 || !isJsonObject(allOf[0]))
      fail(path, "allOf is not supported");
    const { allOf: _dropped, ...rest } = current;
    current = { ...allOf[0], ...rest };
  }
  const ref = current.$ref;
  if (typeof ref === "string") {
    const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)?.[1];
    const target = name === undefined ? undefined : defs[name];
    if (name === undefined || !isJsonObject(target)) fail(path, `cannot resolve $ref "${ref}"`);
    if (refs.includes(name)) fail(path, `recursive $ref "${ref}" cannot be inlined`);
    const { $ref: _dropped, ...rest } = current;
    return inlineWrappers({ ...target, ...rest }, path, defs, [...refs, name]);
  }
  return { node: current, refs };
}

function convertProperties(
  value: JsonValue,
  path: string,
  defs: JsonObject,
  refs: readonly string[],
): JsonObject {
  if (!isJsonObject(value)) fail(path, "properties must be an object");
  const out: JsonObject = {};
  for (const [name, child] of Object.entries(value)) {
    if (!isJsonObject(child)) fail(`${path}.${name}`, "schema must be an object");
    out[name] = convert(child, path === "" ? name : `${path}.${name}`, defs, refs);
  }
  return out;
}

/** OpenAPI 3.0 / Kubernetes want boolean exclusive bounds next to minimum/maximum. */
function normalizeExclusiveBounds(node: JsonObject): void {
  for (const [exclusive, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    const value = node[exclusive];
    if (typeof value === "number") {
      node[bound] = value;
      node[exclusive] = true;
    }
  }
}

function inferType(node: JsonObject, path: string): string {
  if (node["x-kubernetes-preserve-unknown-fields"] === true) return "object";
  if (node.properties !== undefined || node.additionalProperties !== undefined) return "object";
  if (node.items !== undefined) return "array";
  const values = Array.isArray(node.enum) ? node.enum : [];
  if (values.length > 0 && values.every((v) => typeof v === "string")) return "string";
  if (values.length > 0 && values.every((v) => typeof v === "boolean")) return "boolean";
  if (values.length > 0 && values.every((v) => Number.isInteger(v))) return "integer";
  return fail(path, "node has no type and none can be inferred");
}
