// The one CRD generator every custom resource of the platform goes through
// (Deployment, Device): zod schema -> structural OpenAPI schema -> a typed
// CustomResourceDefinition, as a client-node model or as plain wire JSON.
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { z } from "zod";
import { toClientNodeSchema } from "./client-node-schema.js";
import { isJsonObject, type JsonObject } from "./json.js";
import { toStructuralSchema } from "./structural-schema.js";

/** Plain shape of V1CustomResourceColumnDefinition (lint rejects literals typed as client classes). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  /** 0 (default): shown by `kubectl get`; 1: only with `-o wide`. */
  priority?: number;
}

/** What tells one custom resource definition from another. */
export interface CrdDefinition {
  /** `<plural>.<group>` */
  name: string;
  group: string;
  version: string;
  scope: "Namespaced" | "Cluster";
  names: {
    kind: string;
    listKind: string;
    plural: string;
    singular: string;
    shortNames: readonly string[];
    categories: readonly string[];
  };
  /** The zod schemas of the top-level fields the API server validates. */
  spec: z.ZodType;
  /** With a status schema the CRD gets the status subresource too. */
  status?: z.ZodType;
  /** A grammar for metadata.name stricter than the API server's own (the one metadata rule a CRD may add). */
  objectName?: z.ZodType;
  printerColumns: readonly PrinterColumn[];
  /** JSON paths (`.spec.x`) usable in field selectors; the API server must be ≥ 1.32. */
  selectableFields?: readonly string[];
}

/** Structural JSON Schema (wire form) generated from one zod schema. */
function generate(schema: z.ZodType): JsonObject {
  // io "input": the API server sees what users write, where defaulted fields are optional.
  const generated: unknown = JSON.parse(
    JSON.stringify(z.toJSONSchema(schema, { target: "openapi-3.0", io: "input" })),
  );
  if (!isJsonObject(generated)) throw new Error("z.toJSONSchema did not return an object");
  return toStructuralSchema(generated);
}

/** The CRD's openAPIV3Schema in wire form (`enum`, `x-kubernetes-list-type`, ...). */
export function buildOpenApiSchema(definition: CrdDefinition): JsonObject {
  return {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata:
        definition.objectName === undefined
          ? { type: "object" }
          : { type: "object", properties: { name: generate(definition.objectName) } },
      spec: generate(definition.spec),
      ...(definition.status === undefined ? {} : { status: generate(definition.status) }),
    },
    required: ["spec"],
  };
}

function crdWithSchema<S>(
  definition: CrdDefinition,
  openAPIV3Schema: S,
): {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: S };
      subresources?: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      selectableFields?: { jsonPath: string }[];
    }[];
  };
} {
  const { names } = definition;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: definition.name },
    spec: {
      group: definition.group,
      scope: definition.scope,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [...names.categories],
      },
      versions: [
        {
          name: definition.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          // Status is written only through /status, so spec edits and status patches never race.
          ...(definition.status === undefined ? {} : { subresources: { status: {} } }),
          additionalPrinterColumns: definition.printerColumns.map((column) => ({ ...column })),
          ...(definition.selectableFields === undefined
            ? {}
            : { selectableFields: definition.selectableFields.map((jsonPath) => ({ jsonPath })) }),
        },
      ],
    },
  };
}

/**
 * The CRD as a @kubernetes/client-node model: pass it to the client's APIs
 * (ApiextensionsV1Api, KubernetesObjectApi) or its `dumpYaml`. Schema keys use
 * the client's model names (`_enum`, `x_kubernetes_list_type`), so do NOT
 * JSON.stringify it; use buildCrdManifest for plain JSON/YAML.
 */
export function buildCrd(definition: CrdDefinition): V1CustomResourceDefinition {
  return crdWithSchema(definition, toClientNodeSchema(buildOpenApiSchema(definition)));
}

/** The CRD as plain wire JSON, for writing YAML (the Helm chart) or raw HTTP. */
export function buildCrdManifest(definition: CrdDefinition): JsonObject {
  const crd = crdWithSchema(definition, buildOpenApiSchema(definition));
  const json: unknown = JSON.parse(JSON.stringify(crd));
  if (!isJsonObject(json)) throw new Error("CRD manifest is not a JSON object");
  return json;
}
