// The fleet page with 10 000 devices in the KV: it renders (virtualized) and a
// heartbeat still reaches the screen without a reload. Timings are printed.
import { expect, test } from "@playwright/test";
import { agentStatusKey, BUCKET_AGENT_STATUS, encodeAgentStatus } from "@fleet/contracts";
import { connectAsAdmin } from "@fleet/local-platform/testing";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { signIn } from "../src/sign-in";

const DEVICES = 10_000;
const ids = Array.from({ length: DEVICES }, (_, i) => `e2e-load-${String(i).padStart(5, "0")}`);
let nc: NatsConnection;
let kv: KV;

async function inChunks(work: (id: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await Promise.all(ids.slice(i, i + 500).map(work));
}

const heartbeat = (deviceId: string, lastHeartbeatAt: string): Uint8Array =>
  encodeAgentStatus({ deviceId, agentVersion: "e2e-load", lastHeartbeatAt });

test.beforeAll(async () => {
  // 10 000 devices' heartbeats, written as the platform admin (no device identities needed).
  nc = await connectAsAdmin();
  kv = await new Kvm(nc).create(BUCKET_AGENT_STATUS);
  const started = performance.now();
  const at = new Date().toISOString();
  await inChunks((id) => kv.put(agentStatusKey(id), heartbeat(id, at)));
  console.log(
    `[e2e] wrote ${DEVICES} heartbeats in ${(performance.now() - started).toFixed(0)} ms`,
  );
});

test.afterAll(async () => {
  await inChunks((id) => kv.delete(agentStatusKey(id)));
  await nc.close();
});

test("dashboard - fleet page with 10 000 devices renders and stays live", async ({ page }) => {
  await signIn(page, "bob", "/deployments");
  const started = performance.now();
  await page.goto("/fleet");
  await expect(page.getByRole("row").filter({ hasText: ids[0] ?? "" })).toBeVisible();
  console.log(
    `[e2e] fleet page first render with ${DEVICES} devices: ${(performance.now() - started).toFixed(0)} ms`,
  );
  const summary = page.getByText(/^\d+ devices/);
  await expect
    .poll(async () => Number(/^(\d+)/.exec((await summary.textContent()) ?? "")?.[1] ?? 0))
    .toBeGreaterThanOrEqual(DEVICES);
  // Only a screenful of rows is in the DOM.
  const rendered = await page.getByRole("row").count();
  console.log(`[e2e] rows in the DOM for ${DEVICES} devices: ${rendered}`);
  expect(rendered).toBeLessThan(100);
  await expect(page.locator("[data-live-state]")).toHaveText("● Live", { timeout: 30_000 });
  const first = ids[0] ?? "";
  const pushed = performance.now();
  const at = new Date().toISOString();
  await kv.put(agentStatusKey(first), heartbeat(first, at));
  await expect(
    page.getByRole("row").filter({ hasText: first }).locator(`time[datetime="${at}"]`),
  ).toBeAttached();
  console.log(
    `[e2e] heartbeat -> screen with ${DEVICES} devices: ${(performance.now() - pushed).toFixed(0)} ms`,
  );
});
