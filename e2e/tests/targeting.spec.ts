// Targeting by labels in a real browser: the new-deployment form counts, live,
// the devices a selector matches (Device CRs on the real API server, read as
// the signed-in user) and creates a selector Deployment that the real operator
// resolves; the fleet page filters by label while heartbeats keep arriving.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { deviceManifest } from "@fleet/contracts";
import { DeploymentClient, DeviceClient } from "@fleet/kube";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { signIn } from "../src/sign-in";
import { SimulatedAgent } from "../src/simulated-agent";

const suffix = randomBytes(3).toString("hex");
const app = `kiosk-${suffix}`;
const deploymentName = `e2e-selector-${suffix}`;

/** Enrolled (an identity), pending (none) and one of another app: what the selector must tell apart. */
const devices = [
  { name: `e2e-kiosk-eu-${suffix}`, labels: { app, region: "eu" }, enrolled: true },
  { name: `e2e-kiosk-us-${suffix}`, labels: { app, region: "us" }, enrolled: true },
  { name: `e2e-kiosk-new-${suffix}`, labels: { app, region: "eu" }, enrolled: false },
  {
    name: `e2e-camera-${suffix}`,
    labels: { app: `camera-${suffix}`, region: "eu" },
    enrolled: true,
  },
];
const [euKiosk, usKiosk, pendingKiosk, camera] = devices.map((d) => d.name) as [
  string,
  string,
  string,
  string,
];
const agents: SimulatedAgent[] = [];

async function deviceClient(): Promise<DeviceClient> {
  return DeviceClient.forKubeConfig(await kubeConfigFor("admin"));
}

test.beforeAll(async () => {
  const client = await deviceClient();
  for (const device of devices) {
    await client.create(
      deviceManifest({
        name: device.name,
        labels: device.labels,
        spec: device.enrolled
          ? { identity: { userId: `user-${device.name}`, keyId: `key-${device.name}` } }
          : {},
      }),
    );
  }
  // The enrolled ones report, so the fleet page lists them (a pending device cannot connect).
  for (const name of [euKiosk, usKiosk, camera]) {
    const agent = await SimulatedAgent.start(name);
    await agent.heartbeat();
    agent.startHeartbeats(2000);
    agents.push(agent);
  }
});

test.afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  const deployments = DeploymentClient.forKubeConfig(await kubeConfigFor("admin"));
  await deployments.delete("default", deploymentName).catch(() => undefined);
  const client = await deviceClient();
  await Promise.all(devices.map((d) => client.deleteIfPresent(d.name)));
});

test.describe.configure({ mode: "serial" });

test("targeting - the new-deployment form counts a selector's devices live and creates a selector deployment", async ({
  page,
}) => {
  await signIn(page, "alice", "/deployments/new");
  await page.getByLabel("Devices by label selector").check();
  const selector = page.getByLabel("Label selector", { exact: true });
  const preview = page.getByTestId("selector-preview");

  await selector.fill(`app=${app}`);
  // Two enrolled kiosks; the pending one matches by label but is not targeted.
  await expect(preview).toHaveAttribute("data-matched", "2");
  await expect(preview).toContainText("Matches 2 devices");
  await expect(preview).toContainText("1 more match but are pending approval or disabled");
  await expect(preview).not.toContainText(pendingKiosk);

  await selector.fill(`app=${app},region in (eu)`);
  await expect(preview).toHaveAttribute("data-matched", "1");
  await expect(preview).toContainText(euKiosk);

  // A syntax error is named at the field, with where it is.
  await selector.fill(`app=${app},region in (eu`);
  await page.getByRole("button", { name: "Create deployment" }).click();
  await expect(
    page.getByText(/label selector: expected ',' or '\)' \(at character \d+\)/),
  ).toBeVisible();

  // The same selector written as label rows.
  await page.getByLabel("Labels", { exact: true }).check();
  await page.getByLabel("Label 1 key").fill("app");
  await page.getByLabel("Label 1 value").fill(app);
  await page.getByRole("button", { name: "Add label" }).click();
  await page.getByLabel("Label 2 key").fill("region");
  await page.getByLabel("Label 2 value").fill("eu");
  await expect(preview).toHaveAttribute("data-matched", "1");

  // Typed once the page is live (the preview above answered): text typed before
  // React hydrates the form is replaced by its initial values.
  const name = page.getByLabel("Name", { exact: true });
  await name.fill(deploymentName);
  await page.getByLabel("Host port").fill("18291");
  await expect(name).toHaveValue(deploymentName);
  await page.getByRole("button", { name: "Create deployment" }).click();
  await page.waitForURL(`**/deployments/default/${deploymentName}`);
  await expect(page.getByTestId("target-selector")).toHaveText(`app=${app},region=eu`);
  // The operator resolved the selector against the Device registry.
  await expect(page.getByTestId("matched-devices")).toHaveText("1", { timeout: 30_000 });
  await expect(page.getByTestId("conflicted-devices")).toHaveText("0");
  const stored = await DeploymentClient.forKubeConfig(await kubeConfigFor("admin")).find(
    "default",
    deploymentName,
  );
  expect((stored?.spec as { targetSelector?: unknown } | undefined)?.targetSelector).toEqual({
    matchLabels: { app, region: "eu" },
  });
});

test("targeting - the fleet page filters by label and keeps showing live heartbeats", async ({
  page,
}) => {
  await signIn(page, "bob", "/fleet");
  const rowOf = (name: string) => page.getByRole("row").filter({ hasText: name });
  await expect(rowOf(camera)).toBeVisible();

  const filter = page.getByLabel("Filter by label");
  await filter.fill(`app=${app}`);
  await expect(page.getByTestId("fleet-counts")).toContainText(/^2 of \d+ devices match/);
  await expect(rowOf(euKiosk)).toBeVisible();
  await expect(rowOf(usKiosk)).toBeVisible();
  await expect(rowOf(camera)).toHaveCount(0);

  // Live: a heartbeat sent now shows in the filtered row.
  const agent = agents.find((a) => a.deviceId === euKiosk);
  if (!agent) throw new Error("no simulated agent for the EU kiosk");
  const at = await agent.heartbeat();
  await expect(rowOf(euKiosk).locator(`time[datetime="${at}"]`)).toBeAttached();
  await expect(rowOf(euKiosk).getByText("online")).toBeVisible();

  await filter.fill(`app=${app},region notin (eu)`);
  await expect(page.getByTestId("fleet-counts")).toContainText(/^1 of \d+ devices match/);
  await expect(rowOf(euKiosk)).toHaveCount(0);
  await expect(rowOf(usKiosk)).toBeVisible();

  await filter.fill("app in (");
  // Named at the field, with where the problem is.
  await expect(
    page.getByText(/label selector: expected a value \(at character \d+\)/),
  ).toBeVisible();

  await filter.fill("");
  await expect(rowOf(camera)).toBeVisible();
});
