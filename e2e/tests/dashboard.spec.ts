// The dashboard in a real browser against the real platform: sign-in at the
// local IdP, live heartbeats over NATS websockets, writes as the signed-in user.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { DeploymentClient } from "@fleet/kube";
import {
  kubeConfigFor,
  platformConnection,
  startServer,
  stopServer,
  waitUntil,
} from "@fleet/local-platform/testing";
import { connectedNatsUsers, HEARTBEAT_SECONDS } from "@fleet/demo";
import { ARTIFACTS_DIR } from "../src/paths";
import { signIn } from "../src/sign-in";
import { SimulatedAgent } from "../src/simulated-agent";

const suffix = randomBytes(3).toString("hex");
const deviceId = `e2e-pi-${suffix}`;
const deploymentName = `e2e-nginx-${suffix}`;
let agent: SimulatedAgent;

async function adminReadsDeployment(): Promise<boolean> {
  const deployments = DeploymentClient.forKubeConfig(await kubeConfigFor("admin"));
  return (await deployments.find("default", deploymentName)) !== undefined;
}

test.beforeAll(async () => {
  agent = await SimulatedAgent.start(deviceId);
  await agent.heartbeat();
  // The period the dashboard was told (a device is offline after three without a heartbeat).
  agent.startHeartbeats(HEARTBEAT_SECONDS * 1000);
});

test.afterAll(async () => {
  await agent.stop();
});

test.describe.configure({ mode: "serial" });

test("dashboard - without a session, pages go to sign-in and the API answers 401", async ({
  page,
  request,
}) => {
  expect((await request.get("/api/live/credentials")).status()).toBe(401);
  expect((await request.get("/api/trpc/deployments.list")).status()).toBe(401);
  await page.goto("/fleet");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  expect(new URL(page.url()).port).toBe(new URL((await platformConnection()).oidc.issuer).port);
});

test("dashboard - a deployer sees live heartbeats, deploys nginx and deletes it", async ({
  page,
}) => {
  await signIn(page, "alice", "/fleet");
  // Time to first render of the fleet page (signed in): navigation until the device row shows.
  const started = performance.now();
  await page.goto("/fleet");
  const row = page.getByRole("row").filter({ hasText: deviceId });
  await expect(row).toBeVisible();
  console.log(
    `[e2e] fleet page first render (first visit after sign-in): ${(performance.now() - started).toFixed(0)} ms`,
  );
  await expect(row.getByText("online")).toBeVisible();
  await expect(row).toContainText("arm64 · 4 CPU · 4.0 GiB");
  await expect(page.locator("[data-live-state]")).toHaveText("● Live");
  // The browser is on NATS as the user iot-identity's browser-ticket callout made
  // for this session's role (the dashboard signs tickets, it answers no callout).
  await expect
    .poll(async () => {
      const users = await connectedNatsUsers((await platformConnection()).natsMonitorUrl);
      return users.some((user) => /^browser:.+:deployer$/.test(user));
    })
    .toBe(true);
  const warmStart = performance.now();
  await page.reload();
  await expect(row).toBeVisible();
  console.log(
    `[e2e] fleet page render, warm server: ${(performance.now() - warmStart).toFixed(0)} ms`,
  );

  // A heartbeat shows up without a reload, pushed over the websocket.
  const pushedAt = performance.now();
  const at = await agent.heartbeat();
  await expect(row.locator(`time[datetime="${at}"]`)).toBeAttached();
  console.log(`[e2e] heartbeat -> screen: ${(performance.now() - pushedAt).toFixed(0)} ms`);
  await page.screenshot({ path: join(ARTIFACTS_DIR, "fleet.png"), fullPage: true });

  // One click: "Deploy nginx" on the chosen device.
  await page.goto("/deployments/new");
  await page.getByLabel("Name", { exact: true }).fill(deploymentName);
  await page.getByRole("row").filter({ hasText: deviceId }).getByRole("checkbox").check();
  await page.getByRole("button", { name: "Deploy nginx" }).click();
  await expect(page).toHaveURL(new RegExp(`/deployments/default/${deploymentName}$`));
  await expect(page.getByRole("heading", { name: `default/${deploymentName}` })).toBeVisible();
  await expect(page.getByText("localhost/fleet-nginx:1.0", { exact: true })).toBeVisible();
  expect(await adminReadsDeployment()).toBe(true);

  // The device's phase arrives live as well. Online but not yet reporting it: Pending
  // (counted as pending in the summary too), never healthy.
  const phases = page.getByRole("table", { name: "Phase per device" });
  await expect(phases.getByRole("row").filter({ hasText: deviceId })).toContainText("Pending");
  agent.report("default", deploymentName, "Running");
  await agent.heartbeat();
  await expect(phases.getByRole("row").filter({ hasText: deviceId })).toContainText("Running");
  await page.screenshot({ path: join(ARTIFACTS_DIR, "deployment.png"), fullPage: true });

  // Delete asks first.
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("dialog", { name: "Confirm delete" })).toBeVisible();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page).toHaveURL(/\/deployments$/);
  await waitUntil(async () => !(await adminReadsDeployment()), {
    what: "deployment gone for the admin",
    timeoutMs: 15_000,
  });
  await expect(page.getByRole("row").filter({ hasText: deploymentName })).toHaveCount(0);
});

test("dashboard - a viewer has no deploy button and a direct write gets 403", async ({ page }) => {
  await signIn(page, "bob", "/deployments");
  await expect(page.getByRole("heading", { name: "Deployments" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New deployment" })).toHaveCount(0);
  await page.goto("/deployments/new");
  await expect(page.getByRole("button", { name: "Deploy nginx" })).toHaveCount(0);
  const response = await page.request.post("/api/trpc/deployments.create", {
    data: {
      namespace: "default",
      name: `${deploymentName}-viewer`,
      spec: {
        targetDevices: [deviceId],
        score: {
          PodmanV0: {
            services: [{ name: "nginx", image: "localhost/fleet-nginx:1.0", ports: [] }],
          },
        },
      },
    },
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("(Kubernetes RBAC)");
});

test("dashboard - sign-out ends the session", async ({ page, request }) => {
  await signIn(page, "bob", "/fleet");
  // Signed in all the way, live feed included: a sign-out while the page still
  // fetches its first live ticket gets a 401 there, whose redirect to sign-in
  // would race the IdP's end-session page.
  await expect(page.locator("[data-live-state]")).toHaveText("● Live");
  await page.getByRole("button", { name: "Sign out" }).click();
  // The IdP asks to confirm ending its own session, then returns to the dashboard's start page.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  expect((await page.request.get("/api/trpc/deployments.list")).status()).toBe(401);
  expect((await request.get("/api/live/credentials")).status()).toBe(401);
});

test("dashboard - says so when the live connection is down, and recovers", async ({ page }) => {
  await signIn(page, "bob", "/fleet");
  const indicator = page.locator("[data-live-state]");
  await expect(indicator).toHaveText("● Live");
  await stopServer("nats-server");
  try {
    await expect(indicator).toHaveText("Live updates disconnected — retrying");
  } finally {
    await startServer("nats-server");
  }
  await expect(indicator).toHaveText("● Live", { timeout: 30_000 });
  // Heartbeats flow again after the reconnect (the agent's own connection may
  // still be reconnecting: retry its put), still without a reload.
  let at = "";
  await waitUntil(
    async () => {
      at = await agent.heartbeat().catch(() => "");
      return at !== "";
    },
    { what: "simulated agent heartbeat after the NATS restart", timeoutMs: 30_000 },
  );
  // That heartbeat or a later periodic one: after the restart every client
  // reconnects through the auth callout (iot-identity reconnecting too), and on
  // a busy machine the next heartbeat can replace it on screen before this looks.
  const shown = page.getByRole("row").filter({ hasText: deviceId }).locator("time");
  await expect
    .poll(async () => Date.parse((await shown.getAttribute("datetime")) ?? "") >= Date.parse(at))
    .toBe(true);
});
