import {
  deploymentManifest,
  deploymentResourceSchema,
  type DeploymentResource,
} from "@fleet/contracts";
import { DeploymentClient } from "@fleet/kube";
import { kubeConfigFor, platformConnection } from "@fleet/local-platform/testing";
import { execa } from "execa";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const main = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const suffix = Date.now().toString(36);

async function cli(
  args: string[],
  input?: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { kubeconfig, binDir } = await platformConnection();
  const result = await execa(process.execPath, ["--import", "tsx", main, ...args], {
    env: { KUBECONFIG: kubeconfig, PATH: `${binDir}:${process.env.PATH ?? ""}` },
    reject: false,
    input,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

async function readDeployment(name: string): Promise<DeploymentResource | undefined> {
  const found = await DeploymentClient.forKubeConfig(await kubeConfigFor("admin")).find(
    "default",
    name,
  );
  return found === undefined ? undefined : deploymentResourceSchema.parse(found);
}

describe("apply - the typed applier CLI against the real API server", () => {
  beforeAll(async () => {
    expect((await cli(["install"])).exitCode).toBe(0);
  });

  it("applies, upgrades and deletes a Deployment", async () => {
    const name = `applier-${suffix}`;
    const flags = ["--name", name, "--target-device", "demo-device-1", "--port", "18080:80"];
    const first = await cli(["apply", ...flags, "--image", "localhost/fleet-nginx:1.0"]);
    expect(first.stdout).toContain(`deployment default/${name} applied (generation 1)`);
    await cli(["apply", ...flags, "--image", "localhost/fleet-nginx:1.1"]);
    expect((await readDeployment(name))?.spec.score.PodmanV0.services[0]?.image).toBe(
      "localhost/fleet-nginx:1.1",
    );
    const deleted = await cli(["apply", "--name", name, "--delete"]);
    expect(deleted.exitCode).toBe(0);
    expect(await readDeployment(name)).toBeUndefined();
  });

  it("prints a CR that kubectl apply accepts", async () => {
    const name = `printed-${suffix}`;
    const printed = await cli([
      "apply",
      "--print",
      "--name",
      name,
      "--target-device",
      "pi-1",
      "--image",
      "localhost/fleet-nginx:1.0",
    ]);
    expect(JSON.parse(printed.stdout)).toMatchObject({ kind: "Deployment", metadata: { name } });
    const { kubeconfig, binDir } = await platformConnection();
    await execa(join(binDir, "kubectl"), ["apply", "-f", "-"], {
      input: printed.stdout,
      env: { KUBECONFIG: kubeconfig },
    });
    expect(await readDeployment(name)).toBeDefined();
    await cli(["apply", "--name", name, "--delete"]);
  });

  it("switches a Deployment another writer created from a selector to a device list", async () => {
    const name = `switch-${suffix}`;
    // As the dashboard creates one: its own field manager owns targetSelector.
    const byOther = deploymentManifest({
      namespace: "default",
      name,
      spec: {
        targetSelector: { matchLabels: { role: "kiosk" } },
        score: {
          PodmanV0: { services: [{ name: "web", image: "localhost/fleet-nginx:1.0" }] },
        },
      },
    });
    await DeploymentClient.forKubeConfig(await kubeConfigFor("admin")).apply(
      byOther,
      "fleet-dashboard",
    );

    const flags = ["--name", name, "--target-device", "demo-device-1"];
    const applied = await cli(["apply", ...flags, "--image", "localhost/fleet-nginx:1.1"]);

    expect(applied.stderr).toBe("");
    expect(applied.exitCode).toBe(0);
    const spec = (await readDeployment(name))?.spec;
    expect(spec?.targetDevices).toEqual(["demo-device-1"]);
    expect(spec?.targetSelector).toBeUndefined();
    await cli(["apply", "--name", name, "--delete"]);
  });

  it("rejects a bad flag with exit code 2, naming it, and changes nothing", async () => {
    const name = `bad-${suffix}`;
    const result = await cli([
      "apply",
      "--name",
      name,
      "--target-device",
      "pi-1",
      "--image",
      "x",
      "--port",
      "99999:80",
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--port \(flag\): .*hostPort/);
    expect(await readDeployment(name)).toBeUndefined();
  });
});
