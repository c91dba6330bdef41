// `npm run chart:crd`: writes chart/crds/ from @fleet/contracts. A unit test
// fails when a committed file differs from what this writes.
import { readFile, writeFile } from "node:fs/promises";
import { CHART_CRDS, renderCrdYaml } from "./crd-yaml.js";

for (const crd of CHART_CRDS) {
  const next = renderCrdYaml(crd);
  const previous = await readFile(crd.file, "utf8").catch(() => undefined);
  if (previous === next) {
    process.stdout.write(`${crd.file}: up to date\n`);
  } else {
    await writeFile(crd.file, next);
    process.stdout.write(`${crd.file}: ${previous === undefined ? "created" : "updated"}\n`);
  }
}
