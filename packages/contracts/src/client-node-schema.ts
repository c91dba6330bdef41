// @kubernetes/client-node's typed models do not use wire names for some
// JSONSchemaProps fields (`_enum`, `_default`, `x_kubernetes_list_type`, ...)
// and its ObjectSerializer keeps ONLY the model names when it writes a request,
// silently dropping wire-named keys. Nodes it reaches through `items`,
// `additionalProperties`, `additionalItems` and `dependencies` are typed `any`
// and written verbatim, so those subtrees must stay in wire form. This module
// applies exactly that mapping so a CRD built here survives the client intact.
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";

const MODEL_NAMES: Readonly<Record<string, string>> = {
  $ref: "ref",
  $schema: "schema",
  default: "_default",
  enum: "_enum",
  "x-kubernetes-embedded-resource": "x_kubernetes_embedded_resource",
  "x-kubernetes-int-or-string": "x_kubernetes_int_or_string",
  "x-kubernetes-list-map-keys": "x_kubernetes_list_map_keys",
  "x-kubernetes-list-type": "x_kubernetes_list_type",
  "x-kubernetes-map-type": "x_kubernetes_map_type",
  "x-kubernetes-preserve-unknown-fields": "x_kubernetes_preserve_unknown_fields",
  "x-kubernetes-validations": "x_kubernetes_validations",
};

// Fields the serializer walks as V1JSONSchemaProps (maps of, lists of, or one).
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);

/**
 * Renames wire keys to client-node model keys wherever the client-node
 * serializer expects them; the result is meant for V1JSONSchemaProps slots.
 */
export function toClientNodeSchema(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[MODEL_NAMES[key] ?? key] = convertField(key, value);
  }
  return out;
}

function convertField(key: string, value: JsonValue): JsonValue {
  if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, child]) => [
        name,
        isJsonObject(child) ? toClientNodeSchema(child) : child,
      ]),
    );
  }
  if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
    return value.map((child) => (isJsonObject(child) ? toClientNodeSchema(child) : child));
  }
  if (key === "not" && isJsonObject(value)) return toClientNodeSchema(value);
  return value;
}
