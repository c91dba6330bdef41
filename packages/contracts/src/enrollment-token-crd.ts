// The EnrollmentToken CRD, generated from enrollment-token.ts through the
// shared builder, so the API server refuses a malformed token object.
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { buildCrd, buildCrdManifest, type CrdDefinition } from "./crd-builder.js";
import { API_GROUP, API_VERSION } from "./deployment.js";
import {
  ENROLLMENT_TOKEN_CRD_NAME,
  ENROLLMENT_TOKEN_KIND,
  ENROLLMENT_TOKEN_LIST_KIND,
  ENROLLMENT_TOKEN_PLURAL,
  ENROLLMENT_TOKEN_SINGULAR,
  enrollmentTokenNameSchema,
  enrollmentTokenSpecSchema,
  enrollmentTokenStatusSchema,
} from "./enrollment-token.js";
import type { JsonObject } from "./json.js";

export const ENROLLMENT_TOKEN_SHORT_NAMES: readonly string[] = ["iotenroll"];

const ENROLLMENT_TOKEN_CRD: CrdDefinition = {
  name: ENROLLMENT_TOKEN_CRD_NAME,
  group: API_GROUP,
  version: API_VERSION,
  scope: "Cluster",
  names: {
    kind: ENROLLMENT_TOKEN_KIND,
    listKind: ENROLLMENT_TOKEN_LIST_KIND,
    plural: ENROLLMENT_TOKEN_PLURAL,
    singular: ENROLLMENT_TOKEN_SINGULAR,
    shortNames: ENROLLMENT_TOKEN_SHORT_NAMES,
    categories: ["iot"],
  },
  spec: enrollmentTokenSpecSchema,
  // Uses are counted through /status: a deployer editing the spec cannot reset them.
  status: enrollmentTokenStatusSchema,
  objectName: enrollmentTokenNameSchema,
  printerColumns: [
    { name: "Uses", type: "integer", jsonPath: ".status.uses" },
    { name: "MaxUses", type: "integer", jsonPath: ".spec.maxUses" },
    { name: "Expires", type: "string", jsonPath: ".spec.expiresAt" },
    { name: "AutoApprove", type: "boolean", jsonPath: ".spec.autoApprove" },
    { name: "Revoked", type: "boolean", jsonPath: ".spec.revoked" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};

/** The EnrollmentToken CRD as a @kubernetes/client-node model. */
export function buildEnrollmentTokenCrd(): V1CustomResourceDefinition {
  return buildCrd(ENROLLMENT_TOKEN_CRD);
}

/** The EnrollmentToken CRD as plain wire JSON, for the Helm chart's YAML or raw HTTP. */
export function buildEnrollmentTokenCrdManifest(): JsonObject {
  return buildCrdManifest(ENROLLMENT_TOKEN_CRD);
}
