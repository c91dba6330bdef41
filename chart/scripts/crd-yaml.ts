// The chart's CRD files, generated from @fleet/contracts. Helm applies every file
// in crds/ on install, so this YAML is the one place the CRDs leave TypeScript.
import {
  buildDeploymentCrdManifest,
  buildDeviceCrdManifest,
  buildEnrollmentTokenCrdManifest,
  CRD_NAME,
  DEVICE_CRD_NAME,
  ENROLLMENT_TOKEN_CRD_NAME,
  type JsonObject,
} from "@fleet/contracts";
import { dump } from "js-yaml";
import { fileURLToPath } from "node:url";

/** One generated file of crds/. */
export interface ChartCrd {
  /** The CRD's name, e.g. deployments.iot.nationtech.io */
  name: string;
  file: string;
  /** The header every generated file starts with. */
  header: string;
  manifest: () => JsonObject;
}

export const CRD_DIR: string = fileURLToPath(new URL("../crds/", import.meta.url));

const header = (builder: string): string =>
  `# Generated from packages/contracts (${builder}); do not edit.
# Regenerate with: npm run chart:crd
`;

function chartCrd(name: string, builder: string, manifest: () => JsonObject): ChartCrd {
  return { name, file: `${CRD_DIR}${name}.yaml`, header: header(builder), manifest };
}

/** Every CRD the chart installs. */
export const CHART_CRDS: readonly ChartCrd[] = [
  chartCrd(CRD_NAME, "buildDeploymentCrdManifest", buildDeploymentCrdManifest),
  chartCrd(DEVICE_CRD_NAME, "buildDeviceCrdManifest", buildDeviceCrdManifest),
  chartCrd(
    ENROLLMENT_TOKEN_CRD_NAME,
    "buildEnrollmentTokenCrdManifest",
    buildEnrollmentTokenCrdManifest,
  ),
];

/**
 * One CRD as YAML. js-yaml dumps the plain wire form directly: client-node's
 * dumpYaml would re-serialize through its model classes, which silently drops
 * wire keys such as "enum" and "x-kubernetes-*" from a plain object.
 */
export function renderCrdYaml(crd: ChartCrd): string {
  return (
    crd.header +
    dump(crd.manifest(), {
      // Never fold long strings (descriptions, patterns): the text stays greppable.
      lineWidth: -1,
      noRefs: true,
    })
  );
}
