// The chart is versioned together with the apps it deploys.
import { load } from "js-yaml";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_DIR, REPO_ROOT } from "./helm.js";

async function packageVersion(dir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, dir, "package.json"), "utf8")) as {
    version?: unknown;
  };
  if (typeof pkg.version !== "string") throw new Error(`${dir}/package.json has no version`);
  return pkg.version;
}

describe("chart - versions", () => {
  it("versions - Chart.yaml version and appVersion equal the apps' package.json version", async () => {
    const chart = load(await readFile(join(CHART_DIR, "Chart.yaml"), "utf8")) as {
      apiVersion?: unknown;
      version?: unknown;
      appVersion?: unknown;
    };
    const operator = await packageVersion("apps/operator");
    expect(chart.apiVersion).toBe("v2");
    expect(await packageVersion("apps/agent")).toBe(operator);
    expect(await packageVersion("chart")).toBe(operator);
    expect(chart.version).toBe(operator);
    // A string, not a YAML number: "0.10" must not turn into 0.1.
    expect(chart.appVersion).toBe(operator);
  });
});
