// A reconnect storm: every client connected, then nats-server restarted (the
// platform's own stop/start, data kept), so all of them lose their connection
// at once and come back together. Measured from the server being back (the
// platform's readiness check passing, or the first client back if sooner) to
// each client reconnected, on the clients' own clocks; and what the identity
// service did meanwhile (its callout counters, its CPU time from /proc).
import { startServer, stopServer, waitUntil } from "@fleet/local-platform/testing";
import pMap from "p-map";
import { PartError } from "./errors.js";
import type { IdentityProcess } from "./identity-process.js";
import type { Logger } from "./logger.js";
import { procUsage } from "./processes.js";
import type { StormClient } from "./storm-client.js";

/** Clients opening their first connection at once before a storm. */
const OPEN_CONCURRENCY = 50;
const RECONNECT_TIMEOUT_MS = 180_000;

export interface StormResult {
  clients: number;
  /** Each client's reconnect, ms after the server was back. */
  reconnectMs: number[];
  /** Server back → last client reconnected (ms). */
  allBackMs: number;
  /** nats-server stop began → last client reconnected (ms): the whole outage. */
  outageMs: number;
  /** First → last client reconnected (ms). */
  windowMs: number;
  /** Fresh connections the clients had to open (the client gave up after refusals). */
  clientFailures: number;
  identity?: {
    /** Server back → iot-identity ready again (its /readyz, polled every 50 ms). */
    readyMs: number;
    admitted: number;
    refused: number;
    /** Requests dropped unanswered (e.g. queued past the server's auth timeout). */
    unanswerable: number;
    cpuSeconds: number;
  };
}

export async function openClients(
  count: number,
  open: (index: number) => Promise<StormClient>,
): Promise<StormClient[]> {
  return pMap(
    Array.from({ length: count }, (_, i) => i),
    open,
    { concurrency: OPEN_CONCURRENCY },
  );
}

interface CalloutCounts {
  admitted: number;
  refused: number;
  unanswerable: number;
}

async function calloutCounts(identity: IdentityProcess): Promise<CalloutCounts> {
  const device = await identity.metric("identity_callout_total", { kind: "device" });
  const admitted = await identity.metric("identity_callout_total", {
    kind: "device",
    result: "admitted",
  });
  const unanswerable = await identity.metric("identity_callout_total", { result: "unanswerable" });
  return { admitted, refused: device - admitted, unanswerable };
}

/** When the identity service reports itself ready again after losing NATS. */
async function readyAgain(identity: IdentityProcess): Promise<number> {
  await waitUntil(async () => !(await identity.ready()), {
    what: "iot-identity noticing the restart",
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  await waitUntil(() => identity.ready(), {
    what: "iot-identity ready again",
    timeoutMs: RECONNECT_TIMEOUT_MS,
    intervalMs: 50,
  });
  return performance.now();
}

export async function reconnectStorm(
  clients: readonly StormClient[],
  logger: Logger,
  identity?: IdentityProcess,
): Promise<StormResult> {
  const down = clients.filter((c) => !c.connected).length;
  if (down > 0) throw new PartError(`${down} clients not connected before the storm`);
  const failures0 = clients.reduce((sum, c) => sum + c.failures, 0);
  const counts0 = identity === undefined ? undefined : await calloutCounts(identity);
  const cpu0 = identity === undefined ? 0 : (await procUsage(identity.pid)).cpuSeconds;

  const stopAt = performance.now();
  await stopServer("nats-server");
  const stoppedAt = performance.now();
  // Awaited only at the end: a wait that fails leaves the figure at 0, not the storm.
  const identityReady =
    identity === undefined ? undefined : readyAgain(identity).catch(() => undefined);
  await startServer("nats-server");
  const readyAt = performance.now();
  logger.info(
    { stopMs: Math.round(stoppedAt - stopAt), startMs: Math.round(readyAt - stoppedAt) },
    `nats-server restarted; waiting for ${clients.length} clients`,
  );
  const back = (c: StormClient): boolean => c.connected && c.connectedAt > stoppedAt;
  await waitUntil(() => Promise.resolve(clients.every(back)), {
    what: `all ${clients.length} clients reconnected`,
    timeoutMs: RECONNECT_TIMEOUT_MS,
    intervalMs: 50,
  }).catch((error: unknown) => {
    const missing = clients.filter((c) => !back(c)).length;
    throw new PartError(`${missing} of ${clients.length} clients did not reconnect`, {
      cause: error,
    });
  });

  const times = clients.map((c) => c.connectedAt);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const serverBack = Math.min(readyAt, first);
  const result: StormResult = {
    clients: clients.length,
    reconnectMs: times.map((t) => t - serverBack),
    allBackMs: last - serverBack,
    outageMs: last - stopAt,
    windowMs: last - first,
    clientFailures: clients.reduce((sum, c) => sum + c.failures, 0) - failures0,
  };
  if (identity !== undefined && counts0 !== undefined) {
    const counts = await calloutCounts(identity);
    result.identity = {
      readyMs: ((await identityReady) ?? serverBack) - serverBack,
      admitted: counts.admitted - counts0.admitted,
      refused: counts.refused - counts0.refused,
      unanswerable: counts.unanswerable - counts0.unanswerable,
      cpuSeconds: (await procUsage(identity.pid)).cpuSeconds - cpu0,
    };
  }
  logger.info(
    { ...result, reconnectMs: undefined },
    `all ${clients.length} clients back ${Math.round(result.allBackMs)} ms after the server`,
  );
  return result;
}
