// The Devices page in a real browser against the real stack (iot-identity with
// its enrollment API and registrar, the operator, the dashboard's production
// build): a deployer clicks "Add device", runs the exact command the page
// shows (the real `iot-agent enroll`, through a shell), watches the device
// appear as PendingApproval without a reload, approves it with a label, and
// sees its phase become Enrolled; the agent then has its credential file. A
// viewer sees the same list with no action. Credential-file provisioning
// ("Provision device") still works.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { execa, type ResultPromise } from "execa";
import { deviceResourceSchema, parseDeviceCredentials } from "@fleet/contracts";
import { DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { platformProvisioning } from "@fleet/provisioning/testing";
import { ARTIFACTS_DIR, REPO_ROOT } from "../src/paths";
import { signIn } from "../src/sign-in";

const suffix = randomBytes(3).toString("hex");
const enrolledId = `e2e-enrolled-${suffix}`;
const provisionedId = `e2e-dev-${suffix}`;
const site = `e2e-${suffix}`;
let workDir: string;
let enrolling: ResultPromise | undefined;
let tokenName: string | undefined;

async function deviceCr(id: string) {
  const found = await DeviceClient.forKubeConfig(await kubeConfigFor("admin")).find(id);
  return found === undefined ? undefined : deviceResourceSchema.parse(found);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "e2e-enroll-"));
});

test.afterAll(async () => {
  enrolling?.kill();
  await enrolling?.catch(() => undefined);
  const provisioning = await platformProvisioning();
  for (const id of [enrolledId, provisionedId])
    await provisioning.removeDevice(id).catch(() => undefined);
  if (tokenName !== undefined) {
    await EnrollmentTokenClient.forKubeConfig(await kubeConfigFor("admin"))
      .delete(tokenName)
      .catch(() => undefined);
  }
  await rm(workDir, { recursive: true, force: true });
});

test("devices - Add device shows the exact enroll command; the device appears pending, is approved with a label and enrolls", async ({
  page,
}) => {
  await signIn(page, "alice", "/devices");
  await page.goto("/devices");
  await expect(page.getByRole("heading", { name: "Devices" })).toBeVisible();

  await page.getByRole("button", { name: "Add device" }).click();
  const form = page.getByRole("form", { name: "Add a device" });
  // A bad field is named at the field, and nothing is created.
  await form.getByLabel("Max uses").fill("0");
  await form.getByRole("button", { name: "Create enrollment token" }).click();
  await expect(form.getByText("must be at least 1")).toBeVisible();
  await form.getByLabel("Max uses").fill("1");
  await form.getByLabel("Labels").fill(`site=${site}`);
  await form.getByRole("button", { name: "Create enrollment token" }).click();

  const created = page.getByRole("region", { name: "New enrollment token" });
  await expect(created).toContainText("it is shown only once");
  const command = (await created.getByLabel("Enroll command").textContent()) ?? "";
  expect(command).toMatch(
    /^IOT_ENROLL_TOKEN=enroll-[a-z0-9]+\.[A-Za-z0-9_-]{43} iot-agent enroll --server https:\/\/127\.0\.0\.1:\d+ --server-ca \/\S+$/,
  );
  tokenName = /^IOT_ENROLL_TOKEN=([a-z0-9-]+)\./.exec(command)?.[1];

  // The device runs the command as shown (its id and credential path from the agent's own variables).
  const credentialsFile = join(workDir, "device-credentials.json");
  enrolling = execa("sh", ["-c", command], {
    cwd: REPO_ROOT,
    // `iot-agent` is found as an installed agent would be: on PATH (the repo's node_modules/.bin).
    preferLocal: true,
    localDir: REPO_ROOT,
    env: {
      IOT_AGENT_DEVICE_ID: enrolledId,
      IOT_AGENT_CREDENTIALS: credentialsFile,
    },
    reject: false,
    all: true,
  });

  // It arrives by push: no reload.
  const row = page.getByRole("row").filter({ hasText: enrolledId });
  await expect(row).toContainText("PendingApproval", { timeout: 30_000 });
  await expect(row).toContainText(`site=${site}`);
  await expect(page.getByText(/[1-9]\d* waiting for approval/)).toBeVisible();

  // The label filter: a selector narrows the list to it; a broken one is named at its field.
  const filter = page.getByRole("search", { name: "Filter devices" });
  await filter.getByLabel("Label selector").fill(`site=${site}`);
  await expect(page.getByRole("row")).toHaveCount(2); // the header and this device
  await filter.getByLabel("Label selector").fill("site in (");
  await expect(filter.getByText(/^label selector: .*\(at character \d+\)$/)).toBeVisible();
  await filter.getByLabel("Label selector").fill("");
  await filter.getByLabel("Phase").selectOption("PendingApproval");
  await expect(row).toBeVisible();

  await row.getByRole("button", { name: "Approve" }).click();
  const approve = page.getByRole("form", { name: `Approve ${enrolledId}` });
  await approve.getByLabel("Labels to add").fill("tier=edge");
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: `Device ${enrolledId} approved` }),
  ).toBeVisible();
  await filter.getByLabel("Phase").selectOption("");
  // iot-identity's registrar issues the identity for the device's own key: the phase follows.
  await expect(row).toContainText("Enrolled", { timeout: 30_000 });
  await expect(row).toContainText("tier=edge");
  await page.screenshot({ path: join(ARTIFACTS_DIR, "devices.png"), fullPage: true });

  const result = await enrolling;
  expect(result.exitCode, String(result.all)).toBe(0);
  const credentials = parseDeviceCredentials(await readFile(credentialsFile, "utf8"));
  expect(credentials.deviceId).toBe(enrolledId);
  const cr = await deviceCr(enrolledId);
  expect(cr?.spec.approved).toBe(true);
  expect(cr?.spec.identity).toEqual({ userId: credentials.userId, keyId: credentials.keyId });
  expect(cr?.metadata.labels).toEqual({ site, tier: "edge" });

  // The token's one use is recorded: it admits nobody else.
  await page.getByText("Enrollment tokens", { exact: true }).click();
  const tokenRow = page
    .getByRole("table", { name: "Enrollment tokens" })
    .getByRole("row")
    .filter({ hasText: tokenName ?? "(no token name)" });
  await expect(tokenRow).toContainText("UsedUp");
  await expect(tokenRow).toContainText("1 of 1");
});

test("devices - a viewer sees the registry and no action", async ({ page }) => {
  await signIn(page, "bob", "/devices");
  await page.goto("/devices");
  await expect(page.getByRole("row").filter({ hasText: enrolledId })).toContainText("Enrolled");
  await expect(page.getByRole("button", { name: "Add device" })).toHaveCount(0);
  await expect(page.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Approve|Disable|Edit labels/ })).toHaveCount(0);
});

test("devices - a deployer provisions a device with a credential file, downloaded once, and disables it", async ({
  page,
}) => {
  await signIn(page, "alice", "/devices");
  await page.goto("/devices");
  await page.getByText("Or provision a device with a credential file").click();
  const form = page.getByRole("form", { name: "Provision a device" });
  await form.getByLabel("Device id").fill(provisionedId);
  await form.getByLabel("Labels").fill("site=berlin, tier=edge");
  const downloading = page.waitForEvent("download");
  await form.getByRole("button", { name: "Provision device" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${provisionedId}.credentials.json`);
  const credentials = parseDeviceCredentials(await readFile(await download.path(), "utf8"));
  expect(credentials.deviceId).toBe(provisionedId);
  await expect(
    page.getByRole("status").filter({ hasText: `Device ${provisionedId} added` }),
  ).toBeVisible();
  await expect(form.getByLabel("Device id")).toHaveValue("");

  const row = page.getByRole("row").filter({ hasText: provisionedId });
  await expect(row).toContainText("site=berlin, tier=edge");
  await expect(row).toContainText("Enrolled");
  await expect(row).toContainText(credentials.keyId);
  expect((await deviceCr(provisionedId))?.spec.identity).toEqual({
    userId: credentials.userId,
    keyId: credentials.keyId,
  });

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();
  expect((await deviceCr(provisionedId))?.spec.disabled).toBe(true);
});
