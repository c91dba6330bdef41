// The CRD in chart/crds/ is generated from @fleet/contracts and never edited by hand.
import { buildDeploymentCrdManifest } from "@fleet/contracts";
import { load } from "js-yaml";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CRD_FILE, CRD_HEADER, renderCrdYaml } from "../scripts/crd-yaml.js";

describe("chart - crd", () => {
  it("crd - the committed file is exactly what npm run chart:crd generates", async () => {
    const committed = await readFile(CRD_FILE, "utf8");
    expect(
      committed === renderCrdYaml(),
      `${CRD_FILE} differs from the CRD generated from packages/contracts; run npm run chart:crd`,
    ).toBe(true);
  });

  it("crd - the file starts with the do-not-edit header and parses back to the contracts manifest", async () => {
    const committed = await readFile(CRD_FILE, "utf8");
    expect(committed.startsWith(CRD_HEADER)).toBe(true);
    expect(CRD_HEADER).toContain("npm run chart:crd");
    expect(load(committed)).toStrictEqual(buildDeploymentCrdManifest());
  });
});
