// The Deployment CRD, built as a typed value. Its openAPIV3Schema is generated
// from the zod schemas, so the API server rejects exactly what the operator
// and agent would reject (to the extent OpenAPI can say it) before they see it.
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import {
  buildCrd,
  buildCrdManifest,
  buildOpenApiSchema,
  type CrdDefinition,
} from "./crd-builder.js";
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
import type { JsonObject } from "./json.js";

export const CRD_SHORT_NAMES: readonly string[] = ["iotdeploy"];
export const CRD_CATEGORIES: readonly string[] = ["iot"];

const DEPLOYMENT_CRD: CrdDefinition = {
  name: CRD_NAME,
  group: API_GROUP,
  version: API_VERSION,
  scope: "Namespaced",
  names: {
    kind: KIND,
    listKind: LIST_KIND,
    plural: PLURAL,
    singular: SINGULAR,
    shortNames: CRD_SHORT_NAMES,
    categories: CRD_CATEGORIES,
  },
  spec: deploymentSpecSchema,
  status: deploymentStatusSchema,
  printerColumns: [
    ...(["succeeded", "failed", "pending", "unreported"] as const).map((field) => ({
      name: field.charAt(0).toUpperCase() + field.slice(1),
      type: "integer",
      jsonPath: `.status.aggregate.${field}`,
      description: `Targeted devices whose report is ${field}.`,
    })),
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};

/** The CRD's openAPIV3Schema in wire form (`enum`, `x-kubernetes-list-type`, ...). */
export function buildDeploymentOpenApiSchema(): JsonObject {
  return buildOpenApiSchema(DEPLOYMENT_CRD);
}

/**
 * The CRD as a @kubernetes/client-node model: pass it to the client's APIs
 * (ApiextensionsV1Api, KubernetesObjectApi) or its `dumpYaml`. Schema keys use
 * the client's model names (`_enum`, `x_kubernetes_list_type`), so do NOT
 * JSON.stringify it; use buildDeploymentCrdManifest for plain JSON/YAML.
 */
export function buildDeploymentCrd(): V1CustomResourceDefinition {
  return buildCrd(DEPLOYMENT_CRD);
}

/** The CRD as plain wire JSON, for writing YAML (the Helm chart) or raw HTTP. */
export function buildDeploymentCrdManifest(): JsonObject {
  return buildCrdManifest(DEPLOYMENT_CRD);
}
