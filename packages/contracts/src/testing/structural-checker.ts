// An independent checker for Kubernetes structural schemas (the rules the API
// server applies to a v1 CRD's openAPIV3Schema). Written separately from
// structural-schema.ts so a bug in the converter cannot hide itself.
import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";

const ALLOWED = new Set(
  [
    "type format title description default enum example externalDocs nullable maximum minimum",
    "exclusiveMaximum exclusiveMinimum multipleOf maxLength minLength pattern maxItems minItems",
    "maxProperties minProperties required properties items additionalProperties",
    "x-kubernetes-list-type x-kubernetes-list-map-keys x-kubernetes-map-type",
    "x-kubernetes-preserve-unknown-fields x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource x-kubernetes-validations",
  ]
    .join(" ")
    .split(" "),
);
const SCALARS = new Set(["string", "integer", "number", "boolean"]);

/** Every structural-schema violation in `schema`, as `path: problem`. Empty means structural. */
export function structuralViolations(schema: JsonValue, path = "(root)"): string[] {
  if (!isJsonObject(schema)) return [`${path}: schema node is not an object`];
  const problems: string[] = [];
  const add = (problem: string): void => {
    problems.push(`${path}: ${problem}`);
  };
  for (const key of Object.keys(schema)) if (!ALLOWED.has(key)) add(`keyword "${key}" not allowed`);
  const exempt =
    schema["x-kubernetes-int-or-string"] === true ||
    schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (typeof schema.type !== "string" && !exempt) add("missing type");
  if (schema.type === "null") add("type null is not allowed");
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) {
    add("properties and additionalProperties together");
  }
  if (schema.additionalProperties !== undefined && !isJsonObject(schema.additionalProperties)) {
    add("additionalProperties must be a schema");
  }
  if (schema.type === "array" && !isJsonObject(schema.items))
    add("array without a single items schema");
  problems.push(...checkRequired(schema, path), ...checkListType(schema, path));
  for (const [name, child] of Object.entries(
    isJsonObject(schema.properties) ? schema.properties : {},
  )) {
    problems.push(...structuralViolations(child, `${path}.${name}`));
  }
  if (schema.items !== undefined) problems.push(...structuralViolations(schema.items, `${path}[]`));
  if (isJsonObject(schema.additionalProperties)) {
    problems.push(...structuralViolations(schema.additionalProperties, `${path}{}`));
  }
  return problems;
}

function checkRequired(schema: JsonObject, path: string): string[] {
  const required = Array.isArray(schema.required) ? schema.required : [];
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  return required
    .filter((name) => typeof name !== "string" || !(name in properties))
    .map((name) => `${path}: required field ${JSON.stringify(name)} is not a property`);
}

function checkListType(schema: JsonObject, path: string): string[] {
  const listType = schema["x-kubernetes-list-type"];
  const items = isJsonObject(schema.items) ? schema.items : {};
  if (listType === "set" && !(typeof items.type === "string" && SCALARS.has(items.type)))
    return [`${path}: list-type set needs scalar items`];
  if (listType !== "map") return [];
  if (items.type !== "object") return [`${path}: list-type map needs object items`];
  const keys = schema["x-kubernetes-list-map-keys"];
  if (!Array.isArray(keys) || keys.length === 0)
    return [`${path}: list-type map needs list-map-keys`];
  const required = Array.isArray(items.required) ? items.required : [];
  const properties = isJsonObject(items.properties) ? items.properties : {};
  return keys
    .filter((key) => {
      const property = typeof key === "string" ? properties[key] : undefined;
      const hasDefault = isJsonObject(property) && property.default !== undefined;
      return !required.includes(key) && !hasDefault;
    })
    .map((key) => `${path}: list-map-key ${JSON.stringify(key)} must be required or defaulted`);
}
