// A staged rollout in the browser, on the stack's three real agents (real
// podman, the real operator): create a deployment with rollout settings (two
// batches: 1 device, then the 2 left over; manual approval), change its image,
// watch batch 1 complete in the Rollout panel while the other devices keep the
// stable revision, approve batch 2 with its button, and watch the rollout reach
// Completed. The page is never reloaded: every step arrives by push. Each step
// leaves a screenshot in e2e/artifacts/rollout/.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { ROLLOUT_APPROVE_ANNOTATION } from "@fleet/contracts";
import { PodmanApi } from "@fleet/demo";
import { DeploymentClient } from "@fleet/kube";
import { kubeConfigFor, platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { removeDeployment } from "../src/demo-deployment";
import { runningImages } from "../src/device-images";
import { ARTIFACTS_DIR } from "../src/paths";
import { signIn } from "../src/sign-in";

const DEVICES = ["demo-device-1", "demo-device-2", "demo-device-3"];
const NAMESPACE = "default";
const NAME = `e2e-rollout-${randomBytes(3).toString("hex")}`;
const OLD_IMAGE = "localhost/fleet-nginx:1.0";
const NEW_IMAGE = "localhost/fleet-nginx:1.1";
const SHOTS = join(ARTIFACTS_DIR, "rollout");

let podmanSocket: string;

async function step(page: Page, shot: string, title: string, work: () => Promise<void>) {
  await test.step(title, async () => {
    const started = performance.now();
    await work();
    console.log(`[rollout] ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  });
}

/** How many of the devices run each image for this deployment now. */
async function imageCounts(): Promise<Record<string, number>> {
  const images = await runningImages(podmanSocket, { namespace: NAMESPACE, name: NAME }, DEVICES);
  const counts: Record<string, number> = {};
  for (const image of Object.values(images))
    counts[image ?? "none"] = (counts[image ?? "none"] ?? 0) + 1;
  return counts;
}

async function devicesRun(expected: Record<string, number>, what: string): Promise<void> {
  await waitUntil(
    async () => {
      const now = await imageCounts();
      // Thrown, so a timeout names what the devices ran last.
      if (!isDeepStrictEqual(now, expected)) throw new Error(`devices run ${JSON.stringify(now)}`);
      return true;
    },
    { what, timeoutMs: 60_000 },
  );
}

test.beforeAll(async () => {
  podmanSocket = (await platformConnection()).podmanSocket;
});

// Leave nothing behind: the deployment's containers on every device.
test.afterAll(async () => {
  const podman = new PodmanApi(podmanSocket);
  for (const device of DEVICES)
    await removeDeployment(podman, { device, namespace: NAMESPACE, name: NAME });
  await podman.close();
});

test("rollout - approve batch 2 in the panel and watch the rollout complete on real devices", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const panel = page.getByRole("region", { name: "Rollout" });
  const phase = panel.getByTestId("rollout-phase");
  const batch = (n: number) => panel.locator(`[data-testid="rollout-batch"][data-batch="${n}"]`);

  await step(page, "01-form", "1. create a deployment with a staged rollout", async () => {
    await signIn(page, "alice", "/deployments/new");
    const staged = page.getByLabel(/Staged rollout/);
    const batches = page.getByLabel("Batches");
    // The settings appear only once React runs the form (a click before hydration is lost).
    await expect(async () => {
      await staged.check();
      await expect(batches).toBeVisible({ timeout: 1000 });
    }).toPass();
    for (const device of DEVICES)
      await page.getByRole("row").filter({ hasText: device }).getByRole("checkbox").check();
    await page.getByLabel("Name", { exact: true }).fill(NAME);
    // Three devices share this machine's podman: no host port, so they cannot clash.
    await page.getByLabel("Host port").fill("");
    await page.getByLabel("Container port").fill("");
    await batches.fill("1");
    await page.getByLabel("Approval").selectOption("manual");
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue(NAME);
    await page.getByRole("button", { name: "Create deployment" }).click();
    await page.waitForURL(`**/deployments/${NAMESPACE}/${NAME}`);
    await page.evaluate(() => {
      document.documentElement.dataset.rolloutMark = "unchanged";
    });
  });

  await step(page, "02-revision-1", "2. revision 1 reaches every device at once", async () => {
    // No stable revision yet: the first revision is not staged.
    await expect(panel.getByTestId("rollout-revision")).toHaveText("1", { timeout: 30_000 });
    await expect(phase).toHaveAttribute("data-phase", "Completed", { timeout: 60_000 });
    await expect(panel.getByTestId("rollout-settings")).toContainText("approval manual");
    await devicesRun({ [OLD_IMAGE]: 3 }, "revision 1 running on the three devices");
  });

  await step(page, "03-batch-1", "3. a new image: batch 1 completes, batch 2 waits", async () => {
    await page.getByLabel("Image").fill(NEW_IMAGE);
    await page.getByRole("button", { name: "Upgrade" }).click();
    await expect(panel.getByTestId("rollout-revision")).toHaveText("2", { timeout: 30_000 });
    await expect(panel.getByTestId("rollout-stable-revision")).toHaveText("1");
    await expect(phase).toHaveAttribute("data-phase", "WaitingForApproval", { timeout: 60_000 });
    await expect(batch(1)).toHaveAttribute("data-state", "Succeeded");
    await expect(batch(1)).toContainText("batch 1 of 2: 1 of 1 updated");
    await expect(batch(2)).toHaveAttribute("data-state", "Pending");
    await expect(batch(2)).toContainText("batch 2 of 2: 0 of 2 updated");
    // Only batch 1 has the new revision; the others keep serving the stable one.
    await devicesRun({ [NEW_IMAGE]: 1, [OLD_IMAGE]: 2 }, "one device on 1.1, two on 1.0");
  });

  await step(page, "04-completed", "4. approve batch 2 and watch it complete", async () => {
    await panel.getByRole("button", { name: "Approve batch 2" }).click();
    await expect(phase).toHaveAttribute("data-phase", "Completed", { timeout: 60_000 });
    await expect(panel.getByTestId("rollout-stable-revision")).toHaveText("2");
    await expect(batch(2)).toHaveAttribute("data-state", "Succeeded");
    await expect(batch(2)).toContainText("batch 2 of 2: 2 of 2 updated");
    await expect(panel.getByRole("button", { name: /Approve batch/ })).toHaveCount(0);
    await devicesRun({ [NEW_IMAGE]: 3 }, "revision 2 running on the three devices");
    // The button patched the CR as alice: the approval names revision 2, batch 2.
    const stored = await DeploymentClient.forKubeConfig(await kubeConfigFor("admin")).get(
      NAMESPACE,
      NAME,
    );
    expect(stored.metadata?.annotations?.[ROLLOUT_APPROVE_ANNOTATION]).toBe("2/2");
    await expect(page.locator("html")).toHaveAttribute("data-rollout-mark", "unchanged");
  });
});
