// The Device CRD, generated from the zod schemas in device.ts through the same
// builder as the Deployment CRD, so the API server refuses a malformed Device
// (bad name, unknown grant, wrong type) before any reader sees it.
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import {
  buildCrd,
  buildCrdManifest,
  buildOpenApiSchema,
  type CrdDefinition,
} from "./crd-builder.js";
import { API_GROUP, API_VERSION } from "./deployment.js";
import {
  DEVICE_CRD_NAME,
  DEVICE_KIND,
  DEVICE_LIST_KIND,
  DEVICE_PLURAL,
  DEVICE_SINGULAR,
  DEVICE_USER_ID_FIELD,
  deviceSpecSchema,
  deviceStatusSchema,
} from "./device.js";
import type { JsonObject } from "./json.js";
import { deviceIdSchema } from "./kubernetes-names.js";

export const DEVICE_SHORT_NAMES: readonly string[] = ["iotdev"];

const DEVICE_CRD: CrdDefinition = {
  name: DEVICE_CRD_NAME,
  group: API_GROUP,
  version: API_VERSION,
  scope: "Cluster",
  names: {
    kind: DEVICE_KIND,
    listKind: DEVICE_LIST_KIND,
    plural: DEVICE_PLURAL,
    singular: DEVICE_SINGULAR,
    shortNames: DEVICE_SHORT_NAMES,
    categories: ["iot"],
  },
  spec: deviceSpecSchema,
  // The status subresource: deployers may edit spec and labels but not what the platform observed.
  status: deviceStatusSchema,
  // A device id is one NATS subject token: a DNS-1123 label, no dots.
  objectName: deviceIdSchema,
  printerColumns: [
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Online", type: "string", jsonPath: ".status.connectivity" },
    { name: "Version", type: "string", jsonPath: ".status.agentVersion" },
    { name: "Disabled", type: "boolean", jsonPath: ".spec.disabled", priority: 1 },
    { name: "UserId", type: "string", jsonPath: `.${DEVICE_USER_ID_FIELD}`, priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  // The identity service finds a device by its IdP user without listing them all.
  selectableFields: [`.${DEVICE_USER_ID_FIELD}`],
};

/** The Device CRD's openAPIV3Schema in wire form. */
export function buildDeviceOpenApiSchema(): JsonObject {
  return buildOpenApiSchema(DEVICE_CRD);
}

/** The Device CRD as a @kubernetes/client-node model (see buildDeploymentCrd). */
export function buildDeviceCrd(): V1CustomResourceDefinition {
  return buildCrd(DEVICE_CRD);
}

/** The Device CRD as plain wire JSON, for the Helm chart's YAML or raw HTTP. */
export function buildDeviceCrdManifest(): JsonObject {
  return buildCrdManifest(DEVICE_CRD);
}
