// The chart's CRD file, generated from @fleet/contracts. Helm applies every file
// in crds/ on install, so this YAML is the one place the CRD leaves TypeScript.
import { buildDeploymentCrdManifest, CRD_NAME } from "@fleet/contracts";
import { dump } from "js-yaml";
import { fileURLToPath } from "node:url";

export const CRD_FILE: string = fileURLToPath(new URL(`../crds/${CRD_NAME}.yaml`, import.meta.url));

export const CRD_HEADER = `# Generated from packages/contracts (buildDeploymentCrdManifest); do not edit.
# Regenerate with: npm run chart:crd
`;

/**
 * The CRD as YAML. js-yaml dumps the plain wire form directly: client-node's
 * dumpYaml would re-serialize through its model classes, which silently drops
 * wire keys such as "enum" and "x-kubernetes-*" from a plain object.
 */
export function renderCrdYaml(): string {
  return (
    CRD_HEADER +
    dump(buildDeploymentCrdManifest(), {
      // Never fold long strings (descriptions, patterns): the text stays greppable.
      lineWidth: -1,
      noRefs: true,
    })
  );
}
