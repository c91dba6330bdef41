// The Deployment CRD, built as a typed value. Its openAPIV3Schema is generated
// from the zod schemas, so the API server rejects exactly what the operator
// and agent would reject (to the extent OpenAPI can say it) before they see it.
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { z } from "zod";
import { toClientNodeSchema } from "./client-node-schema.js";
import {
  API_GROUP,
  API_VERSION,
  CRD_NAME,
  deploymentSpecSchema,
  KIND,
  LIST_KIND,
  PLURAL,
  SINGULAR,
} from "./deployment.js";
import { deploymentStatusSchema } from "./deployment-status.js";
import { isJsonObject, type JsonObject } from "./json.js";
import { toStructuralSchema } from "./structural-schema.js";

export const CRD_SHORT_NAMES: readonly string[] = ["iotdeploy"];
export const CRD_CATEGORIES: readonly string[] = ["iot"];

/** Plain shape of V1CustomResourceColumnDefinition (lint rejects literals typed as client classes). */
interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
}

const PRINTER_COLUMNS: readonly PrinterColumn[] = [
  ...(["succeeded", "failed", "pending", "unreported"] as const).map((field) => ({
    name: field.charAt(0).toUpperCase() + field.slice(1),
    type: "integer",
    jsonPath: `.status.aggregate.${field}`,
    description: `Targeted devices whose report is ${field}.`,
  })),
  { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

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
export function buildDeploymentOpenApiSchema(): JsonObject {
  return {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: generate(deploymentSpecSchema),
      status: generate(deploymentStatusSchema),
    },
    required: ["spec"],
  };
}

function crdWithSchema<S>(openAPIV3Schema: S): {
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
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
} {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: CRD_NAME },
    spec: {
      group: API_GROUP,
      scope: "Namespaced",
      names: {
        kind: KIND,
        listKind: LIST_KIND,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...CRD_SHORT_NAMES],
        categories: [...CRD_CATEGORIES],
      },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          // Status is written only through /status, so spec edits and status patches never race.
          subresources: { status: {} },
          additionalPrinterColumns: PRINTER_COLUMNS.map((column) => ({ ...column })),
        },
      ],
    },
  };
}

/**
 * The CRD as a @kubernetes/client-node model: pass it to the client's APIs
 * (ApiextensionsV1Api, KubernetesObjectApi) or its `dumpYaml`. Schema keys use
 * the client's model names (`_enum`, `x_kubernetes_list_type`), so do NOT
 * JSON.stringify it; use buildDeploymentCrdManifest for plain JSON/YAML.
 */
export function buildDeploymentCrd(): V1CustomResourceDefinition {
  return crdWithSchema(toClientNodeSchema(buildDeploymentOpenApiSchema()));
}

/** The CRD as plain wire JSON, for writing YAML (the Helm chart) or raw HTTP. */
export function buildDeploymentCrdManifest(): JsonObject {
  const crd = crdWithSchema(buildDeploymentOpenApiSchema());
  const json: unknown = JSON.parse(JSON.stringify(crd));
  if (!isJsonObject(json)) throw new Error("CRD manifest is not a JSON object");
  return json;
}
