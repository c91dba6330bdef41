// dashboard: 10 000 devices in the agent-status KV; in the system Chromium
// (playwright-core), the fleet page's time to first render (navigation → the
// first device's row visible) and a heartbeat put → its new timestamp on the
// screen. Floor of the latter: the same put → a KV watch delivering it.
import { agentStatusKey, encodeAgentStatus } from "@fleet/contracts";
import { platformConnection } from "@fleet/local-platform/testing";
import { setTimeout as delay } from "node:timers/promises";
import { chromium, type Page } from "playwright-core";
import type { Benchmark } from "../context.js";
import { startIdentity } from "../identity-process.js";
import { DeviceStatusWatch } from "../status-watch.js";
import { latencyFigure } from "../stats.js";
import { runId } from "../spec.js";
import { startDashboard } from "../web-server.js";

const ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

async function signIn(page: Page, url: string): Promise<void> {
  const { oidc } = await platformConnection();
  await page.goto(`${url}/deployments`);
  await page.getByLabel("Username").fill("bob");
  await page.getByLabel("Password").fill(oidc.passwords.bob);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-user").waitFor();
}

export const dashboard: Benchmark = async (ctx) => {
  const id = runId();
  const size = ctx.env.BENCH_DASHBOARD_DEVICES;
  const ids = Array.from({ length: size }, (_, i) => `dash-${String(i).padStart(5, "0")}-${id}`);
  const heartbeat = (deviceId: string, at: string): Uint8Array =>
    encodeAgentStatus({ deviceId, agentVersion: "bench", lastHeartbeatAt: at });
  const chunks = async (work: (d: string) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < ids.length; i += 500) await Promise.all(ids.slice(i, i + 500).map(work));
  };
  const at0 = new Date().toISOString();
  ctx.defer(() => chunks((d) => ctx.kv.status.purge(agentStatusKey(d))));
  await chunks((d) => ctx.kv.status.put(agentStatusKey(d), heartbeat(d, at0)));

  // The browser's live feed connects with a dashboard ticket that iot-identity admits.
  const identity = await startIdentity(ctx.connection);
  ctx.defer(() => identity.stop());
  const web = await startDashboard(ctx.connection, ctx.logger);
  ctx.defer(() => web.stop());
  const browser = await chromium.launch({ executablePath: ctx.env.BENCH_CHROMIUM, args: ARGS });
  ctx.defer(() => browser.close());
  // The local IdP's certificate is from the platform's own CA, unknown to this profile.
  const page = await browser.newPage({ ignoreHTTPSErrors: true });
  await signIn(page, web.url);

  const first = ids[0] ?? "";
  const renders: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto("about:blank");
    const t0 = performance.now();
    await page.goto(`${web.url}/fleet`);
    await page.getByRole("row").filter({ hasText: first }).waitFor();
    renders.push(performance.now() - t0);
  }
  await page.locator("[data-live-state]").filter({ hasText: "Live" }).waitFor({ timeout: 30_000 });

  const watch = await DeviceStatusWatch.open(ctx.kv.status, first);
  ctx.defer(() => {
    watch.close();
    return Promise.resolve();
  });
  const toScreen: number[] = [];
  const toWatch: number[] = [];
  for (let i = 0; i < 10; i++) {
    const at = new Date().toISOString();
    const delivered = watch.next((s) => s.lastHeartbeatAt === at);
    const onScreen = page
      .getByRole("row")
      .filter({ hasText: first })
      .locator(`time[datetime="${at}"]`)
      .waitFor({ state: "attached", timeout: 30_000 });
    const t0 = performance.now();
    await ctx.kv.status.put(agentStatusKey(first), heartbeat(first, at));
    toWatch.push((await delivered) - t0);
    await onScreen;
    toScreen.push(performance.now() - t0);
    // Pacing, not waiting for a condition: heartbeats a little apart, as real ones are.
    await delay(300);
  }
  return [
    latencyFigure(`dashboard.${size}.first_render`, renders, {
      target: "≤ 1500 ms",
      note: "goto /fleet (signed in) → first device row visible; no floor measured",
    }),
    latencyFigure(`dashboard.${size}.heartbeat_to_screen`, toScreen, {
      floorSamples: toWatch,
      target: "≤ 500 ms",
      note: "KV put → new time[datetime] in the row; floor = put → KV watch delivery",
    }),
  ];
};
