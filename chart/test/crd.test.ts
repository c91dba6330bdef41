// The CRDs in chart/crds/ are generated from @fleet/contracts and never edited by hand.
import { load } from "js-yaml";
import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_CRDS, CRD_DIR, renderCrdYaml } from "../scripts/crd-yaml.js";

describe("chart - crd", () => {
  it("crd - crds/ holds exactly the generated files, Deployment, Device and EnrollmentToken", async () => {
    const files = (await readdir(CRD_DIR)).sort();
    expect(files).toEqual(CHART_CRDS.map((crd) => basename(crd.file)).sort());
    expect(files).toEqual([
      "deployments.iot.nationtech.io.yaml",
      "devices.iot.nationtech.io.yaml",
      "enrollmenttokens.iot.nationtech.io.yaml",
    ]);
  });

  for (const crd of CHART_CRDS) {
    it(`crd - ${crd.name}: the committed file is exactly what npm run chart:crd generates`, async () => {
      const committed = await readFile(crd.file, "utf8").catch(() => "(missing)");
      expect(
        committed === renderCrdYaml(crd),
        `${crd.file} differs from the CRD generated from packages/contracts; run npm run chart:crd`,
      ).toBe(true);
    });

    it(`crd - ${crd.name}: starts with the do-not-edit header and parses back to the contracts manifest`, async () => {
      const committed = await readFile(crd.file, "utf8");
      expect(committed.startsWith(crd.header)).toBe(true);
      expect(crd.header).toContain("npm run chart:crd");
      expect(load(committed)).toStrictEqual(crd.manifest());
    });
  }
});
