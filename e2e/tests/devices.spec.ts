// The Devices page in a real browser: a deployer adds a device (its credential
// file downloads once), then disables it, and the Device CR follows. What the
// IdP does on each step is checked by the devices router's integration tests.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { deviceResourceSchema, parseDeviceCredentials } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { platformProvisioning } from "@fleet/provisioning/testing";
import { ARTIFACTS_DIR } from "../src/paths";
import { signIn } from "../src/sign-in";

const deviceId = `e2e-dev-${randomBytes(3).toString("hex")}`;

async function deviceCr() {
  const found = await DeviceClient.forKubeConfig(await kubeConfigFor("admin")).find(deviceId);
  return found === undefined ? undefined : deviceResourceSchema.parse(found);
}

test.afterAll(async () => {
  await (await platformProvisioning()).removeDevice(deviceId).catch(() => undefined);
});

test("devices - a deployer adds a device, downloads its credentials once, and disables it", async ({
  page,
}) => {
  await signIn(page, "alice", "/devices");
  await page.goto("/devices");
  await expect(page.getByRole("heading", { name: "Devices" })).toBeVisible();

  const form = page.getByRole("form", { name: "Add a device" });
  await form.getByLabel("Device id").fill(deviceId);
  await form.getByLabel("Labels").fill("site=berlin, tier=edge");
  const downloading = page.waitForEvent("download");
  await form.getByRole("button", { name: "Add device" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${deviceId}.credentials.json`);
  const credentials = parseDeviceCredentials(await readFile(await download.path(), "utf8"));
  expect(credentials.deviceId).toBe(deviceId);
  await expect(
    page.getByRole("status").filter({ hasText: `Device ${deviceId} added` }),
  ).toBeVisible();
  await expect(form.getByLabel("Device id")).toHaveValue("");

  const row = page.getByRole("row").filter({ hasText: deviceId });
  await expect(row).toContainText("site=berlin, tier=edge");
  await expect(row).toContainText("enabled");
  await expect(row).toContainText(credentials.keyId);
  expect((await deviceCr())?.spec.identity).toEqual({
    userId: credentials.userId,
    keyId: credentials.keyId,
  });

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();
  expect((await deviceCr())?.spec.disabled).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS_DIR, "devices.png"), fullPage: true });
});
