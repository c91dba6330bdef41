// The whole journey in the browser, against the real operator, a real agent for
// demo-device-1 (provisioned like `iot-operator device add`, on NATS as itself)
// and real podman (the stack of `npm run demo`): sign in at the IdP, deploy
// nginx, watch the phase turn Running with no reload, open the page the device
// serves, upgrade the image and watch it roll, delete. Each step is timed and
// leaves a screenshot in e2e/artifacts/journey/.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { desiredStateKey } from "@fleet/contracts";
import { connectedNatsUsers, DEMO_HOST_PORT, PodmanApi } from "@fleet/demo";
import { platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { removeDeployment, runningContainerOf } from "../src/demo-deployment";
import { ARTIFACTS_DIR } from "../src/paths";
import { signIn } from "../src/sign-in";

const DEVICE = "demo-device-1";
const NAMESPACE = "default";
const NAME = `journey-nginx-${randomBytes(3).toString("hex")}`;
const TARGET = { device: DEVICE, namespace: NAMESPACE, name: NAME };
const KEY = desiredStateKey(TARGET);
const NGINX_URL = `http://127.0.0.1:${DEMO_HOST_PORT}/`;
const SHOTS = join(ARTIFACTS_DIR, "journey");

let podman: PodmanApi;

/** The running container of this deployment on the device, if any. */
const runningContainer = (): Promise<string | undefined> => runningContainerOf(podman, TARGET);

/** The image tag nginx on the device answers with (its X-Fleet-Image-Tag header). */
async function servedTag(): Promise<string | undefined> {
  const response = await fetch(NGINX_URL).catch(() => undefined);
  return response?.status === 200
    ? (response.headers.get("x-fleet-image-tag") ?? undefined)
    : undefined;
}

/** Runs one journey step as a Playwright step, prints its time, and screenshots the page. */
async function journeyStep(
  page: Page,
  shot: string,
  title: string,
  work: () => Promise<void>,
): Promise<void> {
  await test.step(title, async () => {
    const started = performance.now();
    await work();
    console.log(`[journey] ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  });
}

/** Set once before deploying; still set later means the page was never reloaded. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    document.documentElement.dataset.journeyMark = "unchanged";
  });
}

async function pageWasNotReloaded(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-journey-mark", "unchanged");
}

test.beforeAll(async () => {
  podman = new PodmanApi((await platformConnection()).podmanSocket);
});

// Whatever happened, leave no deployment behind: its container would hold the
// host port for the next run.
test.afterAll(async () => {
  await removeDeployment(podman, TARGET);
  await podman.close();
});

test("journey - deploy, watch, open, upgrade and delete nginx on a real device", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const phaseRow = page
    .getByRole("table", { name: "Phase per device" })
    .getByRole("row")
    .filter({ hasText: DEVICE });
  let firstContainer = "";

  await journeyStep(page, "01-signed-in", "1. sign in through the IdP", async () => {
    await signIn(page, "alice", "/fleet");
    const device = page.getByRole("row").filter({ hasText: DEVICE });
    await expect(device.getByText("online")).toBeVisible();
    // The device's agent is on NATS as itself: its IdP token admitted by iot-identity.
    const users = await connectedNatsUsers((await platformConnection()).natsMonitorUrl);
    expect(users).toContain(`device:${DEVICE}`);
  });

  await journeyStep(page, "02-deployed", `2. deploy nginx on ${DEVICE}`, async () => {
    await page.goto("/deployments/new");
    await page.getByLabel("Name", { exact: true }).fill(NAME);
    await page.getByRole("row").filter({ hasText: DEVICE }).getByRole("checkbox").check();
    // From here on the document must stay the same one: every update arrives live.
    await markPage(page);
    await page.getByRole("button", { name: "Deploy nginx" }).click();
    await expect(page).toHaveURL(new RegExp(`/deployments/${NAMESPACE}/${NAME}$`));
    await expect(page.getByRole("heading", { name: `${NAMESPACE}/${NAME}` })).toBeVisible();
    await expect(page.getByText("localhost/fleet-nginx:1.0", { exact: true })).toBeVisible();
  });

  await journeyStep(page, "03-running", "3. the phase turns Running live", async () => {
    await expect(phaseRow).toContainText("Running", { timeout: 60_000 });
    await expect(phaseRow).toContainText("deployed generation 1");
    await pageWasNotReloaded(page);
    firstContainer = (await runningContainer()) ?? "";
    expect(firstContainer, "a running container on the device").not.toBe("");
  });

  const nginx = await page.context().newPage();
  await journeyStep(
    nginx,
    "04-nginx-1.0",
    "4. open the nginx page served by the device",
    async () => {
      await waitUntil(async () => (await servedTag()) === "1.0", {
        what: `nginx 1.0 answering on ${NGINX_URL}`,
        timeoutMs: 30_000,
      });
      const response = await nginx.goto(NGINX_URL);
      expect(response?.status()).toBe(200);
      await expect(nginx.getByRole("heading", { name: "Served by fleet-nginx 1.0" })).toBeVisible();
    },
  );

  await journeyStep(page, "05-rolled", "5. change the image and watch it roll", async () => {
    await page.bringToFront();
    await page.getByLabel("Image").fill("localhost/fleet-nginx:1.1");
    await page.getByRole("button", { name: "Upgrade" }).click();
    await expect(page.getByText("localhost/fleet-nginx:1.1", { exact: true })).toBeVisible();
    // The agent reports the roll in its heartbeat: a new generation, the new image.
    await expect(phaseRow).toContainText("upgraded to generation 2", { timeout: 60_000 });
    await expect(phaseRow).toContainText("localhost/fleet-nginx:1.1");
    await expect(phaseRow).toContainText("Running");
    await expect(page.getByText("1 succeeded · 0 failed")).toBeVisible({ timeout: 30_000 });
    await pageWasNotReloaded(page);
    const upgraded = await runningContainer();
    expect(upgraded, "a running container after the upgrade").toBeDefined();
    expect(upgraded, "the upgrade replaced the container").not.toBe(firstContainer);
  });

  await journeyStep(nginx, "06-nginx-1.1", "6. the device now serves nginx 1.1", async () => {
    await nginx.bringToFront();
    await waitUntil(async () => (await servedTag()) === "1.1", {
      what: `nginx 1.1 answering on ${NGINX_URL}`,
      timeoutMs: 30_000,
    });
    await nginx.reload();
    await expect(nginx.getByRole("heading", { name: "Served by fleet-nginx 1.1" })).toBeVisible();
  });

  await journeyStep(page, "07-deleted", "7. delete it", async () => {
    await page.bringToFront();
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await expect(page).toHaveURL(/\/deployments$/);
    await expect(page.getByRole("row").filter({ hasText: NAME })).toHaveCount(0);
    await waitUntil(
      async () => (await podman.containersOf(DEVICE)).every((c) => c.deploymentKey !== KEY),
      {
        what: "the device's container removed",
        timeoutMs: 60_000,
      },
    );
    expect(await servedTag()).toBeUndefined();
  });
});
