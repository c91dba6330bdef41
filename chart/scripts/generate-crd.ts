// `npm run chart:crd`: writes chart/crds/ from @fleet/contracts. A unit test
// fails when the committed file differs from what this writes.
import { readFile, writeFile } from "node:fs/promises";
import { CRD_FILE, renderCrdYaml } from "./crd-yaml.js";

const next = renderCrdYaml();
const previous = await readFile(CRD_FILE, "utf8").catch(() => undefined);
if (previous === next) {
  process.stdout.write(`${CRD_FILE}: up to date\n`);
} else {
  await writeFile(CRD_FILE, next);
  process.stdout.write(`${CRD_FILE}: ${previous === undefined ? "created" : "updated"}\n`);
}
