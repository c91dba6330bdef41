// One deployment page stays open (never reloaded) while the command line acts
// on the real platform: podman kills the container out of band, the operator's
// applier CLI upgrades the image, then deletes the CR. At every step the page's
// summary (counts) and its device rows say the same thing, the Image field
// follows the live spec, and the page ends saying the deployment was deleted.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { execa } from "execa";
import { PodmanApi } from "@fleet/demo";
import { freePort, NGINX_CONTAINER_PORT, platformConnection } from "@fleet/local-platform/testing";
import { ARTIFACTS_DIR, REPO_ROOT } from "../src/paths";
import { removeDeployment, runningContainerOf } from "../src/demo-deployment";
import { signIn } from "../src/sign-in";

const DEVICE = "demo-device-1";
const NAMESPACE = "default";
const NAME = `one-truth-${randomBytes(3).toString("hex")}`;
const TARGET = { device: DEVICE, namespace: NAMESPACE, name: NAME };
const IMAGE_1 = "localhost/fleet-nginx:1.0";
const IMAGE_2 = "localhost/fleet-nginx:1.1";
const SHOTS = join(ARTIFACTS_DIR, "one-truth");
/** The page's summary and rows must agree this soon after anything changes. */
const AGREE_WITHIN_MS = 2_000;

let podman: PodmanApi;
let kubeconfig: string;
let hostPort: number;

/** `iot-operator apply …` as a person would type it, against the platform as its admin. */
async function applier(...args: string[]): Promise<void> {
  await execa("npx", ["iot-operator", "apply", "--kubeconfig", kubeconfig, ...args], {
    cwd: REPO_ROOT,
  });
}

const applyImage = (image: string): Promise<void> =>
  applier(
    ...["--name", NAME, "--namespace", NAMESPACE, "--target-device", DEVICE],
    ...["--image", image, "--port", `${hostPort}:${NGINX_CONTAINER_PORT}`],
  );

const runningContainer = (): Promise<string | undefined> => runningContainerOf(podman, TARGET);

/** What the page shows right now: the summary's counts and each device row's phase. */
interface Shown {
  summary: Record<string, number> | null;
  rows: string[];
  state: string | null;
}

declare global {
  interface Window {
    /** Set once before the first step; still there at the end means no reload. */
    oneTruthMark?: string;
    /** Every distinct thing the page showed, recorded as the DOM changed. */
    oneTruthSeen?: Shown[];
  }
}

/** Installs (in the page) a recorder of every distinct summary/rows the page shows. */
async function watchPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    const read = (): Shown => {
      const bar = document.querySelector('[aria-label="Status summary"] p');
      const counts = /(\d+) succeeded · (\d+) failed · (\d+) pending · (\d+) unreported/.exec(
        bar?.textContent ?? "",
      );
      const rows = [
        ...document.querySelectorAll('[role="table"][aria-label="Phase per device"] [role="row"]'),
      ]
        .slice(1)
        .map((row) => row.querySelectorAll('[role="cell"]')[1]?.textContent ?? "");
      return {
        summary: counts
          ? {
              Running: Number(counts[1]),
              Failed: Number(counts[2]),
              Pending: Number(counts[3]),
              Unreported: Number(counts[4]),
            }
          : null,
        rows,
        state:
          document
            .querySelector("[data-deployment-state]")
            ?.getAttribute("data-deployment-state") ?? null,
      };
    };
    window.oneTruthMark = "unchanged";
    window.oneTruthSeen = [read()];
    new MutationObserver(() => {
      const now = read();
      const seen = window.oneTruthSeen ?? [];
      if (JSON.stringify(seen.at(-1)) !== JSON.stringify(now)) seen.push(now);
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

async function shownNow(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const seen = window.oneTruthSeen ?? [];
    const last = seen.at(-1);
    if (!last) throw new Error("the recorder is not installed");
    return last;
  });
}

/** The summary's counts are exactly the rows' phases counted. */
function agrees(shown: Shown): boolean {
  if (shown.summary === null) return false;
  const counted: Record<string, number> = { Running: 0, Failed: 0, Pending: 0, Unreported: 0 };
  for (const phase of shown.rows) counted[phase] = (counted[phase] ?? 0) + 1;
  return Object.entries(shown.summary).every(([phase, n]) => counted[phase] === n);
}

async function summaryAndRowsAgree(page: Page, step: string): Promise<void> {
  await expect
    .poll(async () => agrees(await shownNow(page)), {
      message: `${step}: the summary counts what the device rows show`,
      timeout: AGREE_WITHIN_MS,
    })
    .toBe(true);
}

/** Status and Conditions cells whose content is cut off (the rest may truncate with a title). */
async function clippedCells(page: Page, table: string): Promise<string[]> {
  return page.evaluate((label) => {
    const grid = document.querySelector(`[role="table"][aria-label="${label}"]`);
    const headers = [...(grid?.querySelectorAll('[role="columnheader"]') ?? [])].map(
      (h) => h.textContent,
    );
    const clipped: string[] = [];
    for (const row of grid?.querySelectorAll('[role="rowgroup"] [role="row"]') ?? []) {
      row.querySelectorAll('[role="cell"]').forEach((cell, i) => {
        const header = headers[i] ?? "";
        if (
          (header === "Status" || header === "Conditions") &&
          cell.scrollWidth > cell.clientWidth
        ) {
          clipped.push(`${header}: ${cell.textContent}`);
        }
      });
    }
    return clipped;
  }, table);
}

/** <time> elements laid out over more than one line. */
async function wrappedTimes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("time")]
      .filter((t) => t.getClientRects().length > 1 || t.getBoundingClientRect().height > 24)
      .map((t) => t.textContent),
  );
}

test.beforeAll(async () => {
  const connection = await platformConnection();
  podman = new PodmanApi(connection.podmanSocket);
  kubeconfig = connection.kubeconfig;
  hostPort = await freePort();
});

test.afterAll(async () => {
  await removeDeployment(podman, TARGET);
  await podman.close();
});

test("one truth - a deployment page left open agrees with itself through a kill, an upgrade and a deletion from the command line", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const phaseRow = page
    .getByRole("table", { name: "Phase per device" })
    .getByRole("row")
    .filter({ hasText: DEVICE });
  const summary = page.getByRole("region", { name: "Status summary" });
  const imageField = page.getByLabel("Image");

  await test.step("the CLI applies nginx 1.0; the page opens and shows it running", async () => {
    await applyImage(IMAGE_1);
    await signIn(page, "alice", `/deployments/${NAMESPACE}/${NAME}`);
    await expect(page.getByRole("heading", { name: `${NAMESPACE}/${NAME}` })).toBeVisible();
    await watchPage(page);
    // Heartbeats reach the page over its own live connection from here on.
    await expect(page.locator("[data-live-state]")).toHaveText("● Live");
    await expect(phaseRow).toContainText("Running", { timeout: 60_000 });
    await expect(summary).toContainText("1 succeeded · 0 failed · 0 pending · 0 unreported");
    await summaryAndRowsAgree(page, "running");
    await expect(imageField).toHaveValue(IMAGE_1);
    await page.screenshot({ path: join(SHOTS, "01-running.png"), fullPage: true });
  });

  await test.step("podman kills the container: Failed, then Running again", async () => {
    const killed = await runningContainer();
    expect(killed, "a running container to kill").toBeDefined();
    await podman.kill(killed ?? "");
    // The failure may last about a second (the agent restarts the container);
    // the recorder sees every state the page showed, however brief.
    await expect
      .poll(
        async () =>
          page.evaluate(() => (window.oneTruthSeen ?? []).some((s) => s.rows.includes("Failed"))),
        {
          message: "the device row showed Failed after the kill",
          timeout: 30_000,
        },
      )
      .toBe(true);
    const failedViews = await page.evaluate(() =>
      (window.oneTruthSeen ?? []).filter((s) => s.rows.includes("Failed")),
    );
    for (const view of failedViews) {
      expect(view.summary?.Failed, "the summary counts the failed row").toBe(1);
      expect(
        agrees(view),
        `summary ${JSON.stringify(view.summary)} vs rows ${view.rows.join(",")}`,
      ).toBe(true);
    }
    await expect(phaseRow).toContainText("Running", { timeout: 60_000 });
    await expect(summary).toContainText("1 succeeded · 0 failed");
    await summaryAndRowsAgree(page, "recovered");
    // The agent restarted it (the same container, started again).
    expect(await runningContainer(), "the container runs again").toBeDefined();
    await page.screenshot({ path: join(SHOTS, "02-recovered.png"), fullPage: true });
  });

  await test.step("the applier CLI upgrades to nginx 1.1: the Image field and the rows follow", async () => {
    await applyImage(IMAGE_2);
    await expect(imageField).toHaveValue(IMAGE_2);
    await expect(page.getByText(IMAGE_2, { exact: true })).toBeVisible();
    await expect(phaseRow).toContainText("upgraded to generation 2", { timeout: 60_000 });
    await expect(phaseRow).toContainText("Running", { timeout: 60_000 });
    await expect(summary).toContainText("1 succeeded · 0 failed");
    await summaryAndRowsAgree(page, "upgraded");
    await page.screenshot({ path: join(SHOTS, "03-upgraded.png"), fullPage: true });
  });

  await test.step("at 1280 × 800 the tables fit and timestamps stay on one line", async () => {
    const other = await page.context().newPage();
    await other.setViewportSize({ width: 1280, height: 800 });
    await other.goto("/deployments");
    // Hydrated and connected: what the screenshots show is the browser's own rendering.
    await expect(other.locator("[data-live-state]")).toHaveText("● Live");
    const row = other
      .getByRole("table", { name: "Deployments" })
      .getByRole("row")
      .filter({ hasText: NAME });
    await expect(row).toContainText("Ready");
    expect(
      await clippedCells(other, "Deployments"),
      "cells cut off in the deployments table",
    ).toEqual([]);
    await other.screenshot({ path: join(SHOTS, "1280-deployments.png") });
    await other.goto("/fleet");
    await expect(other.getByRole("row").filter({ hasText: DEVICE })).toContainText("online");
    await other.screenshot({ path: join(SHOTS, "1280-fleet.png") });
    await other.goto(`/fleet/${DEVICE}`);
    await expect(other.getByRole("heading", { name: "Recent events" })).toBeVisible();
    expect(await wrappedTimes(other), "timestamps wrapped over two lines").toEqual([]);
    await other.screenshot({ path: join(SHOTS, "1280-device.png"), fullPage: true });
    await other.close();
    await page.bringToFront();
  });

  await test.step("the applier CLI deletes the CR: the page says so, with no reload", async () => {
    await applier("--name", NAME, "--namespace", NAMESPACE, "--delete");
    const notice = page.getByRole("alert").filter({ hasText: "This deployment was deleted" });
    await expect(notice).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("[data-deployment-state]")).toHaveAttribute(
      "data-deployment-state",
      "deleted",
    );
    // No stale counts or rows, and nothing left to act on.
    await expect(summary).toHaveCount(0);
    await expect(page.getByRole("table", { name: "Phase per device" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete" })).toBeDisabled();
    await expect(imageField).toBeDisabled();
    await expect(page.getByRole("button", { name: "Upgrade" })).toBeDisabled();
    expect(await page.evaluate(() => window.oneTruthMark)).toBe("unchanged");
    await page.screenshot({ path: join(SHOTS, "04-deleted.png"), fullPage: true });
  });
});
