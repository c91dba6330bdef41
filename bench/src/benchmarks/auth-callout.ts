// auth-callout: devices connecting through the NATS auth callout (issue 14's
// "Measure"). Real identities: BENCH_STORM_DEVICES devices provisioned through
// @fleet/provisioning (IdP machine user + key + Device CR each), one
// iot-identity process answering the callout.
// 1. Connect time, device by device, beside the floor of an nkey connection
//    that bypasses the callout; the IdP's token exchange reported apart.
// 2. A reconnect storm: every device connected with its own token, then
//    nats-server restarted; time until all are back and the callouts per
//    second the one identity process authorized. Its floor: the same storm of
//    nkey clients (no callout).
// Timings are reported, never asserted.
import { deviceInboxPrefix, type DeviceCredentials } from "@fleet/contracts";
import { fetchTrusting } from "@fleet/zitadel";
import { tokenAuthenticator } from "@nats-io/transport-node";
import { readFile } from "node:fs/promises";
import pMap from "p-map";
import { provisionDevices, removeBenchDevices } from "../bench-devices.js";
import { measureConnectTimes } from "../connect-times.js";
import type { BenchContext, Benchmark } from "../context.js";
import { deviceTokens } from "../device-tokens.js";
import { startIdentity, type IdentityProcess } from "../identity-process.js";
import { nativeCredsAuthenticator } from "../native-nkey.js";
import { installCrd } from "../processes.js";
import { openClients, reconnectStorm, type StormResult } from "../reconnect-storm.js";
import { latencyFigure, valueFigure, type Figure } from "../stats.js";
import { runId } from "../spec.js";
import { StormClient } from "../storm-client.js";

/** Token requests in flight at the IdP while the storm's devices get theirs. */
const TOKEN_CONCURRENCY = 8;

async function closeAll(clients: readonly StormClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

/** The floor storm: as many clients, each with the admin's nkey .creds (no callout), signed natively. */
async function nkeyStorm(ctx: BenchContext, count: number): Promise<StormResult> {
  const authenticator = await nativeCredsAuthenticator(
    await readFile(ctx.connection.natsSecrets.adminCreds),
  );
  const clients = await openClients(count, (i) =>
    StormClient.open({
      servers: ctx.connection.natsUrl,
      name: `bench-storm-nkey-${i}`,
      authenticator,
    }),
  );
  try {
    return await reconnectStorm(clients, ctx.logger);
  } finally {
    await closeAll(clients);
  }
}

/** The measured storm: each device with its own access token, through the callout. */
async function deviceStorm(
  ctx: BenchContext,
  identity: IdentityProcess,
  devices: readonly DeviceCredentials[],
): Promise<StormResult> {
  const fetch = fetchTrusting(devices[0]?.issuerCa);
  const tokens = await pMap(devices, async (d) => (await deviceTokens(d, fetch).token()).value, {
    concurrency: TOKEN_CONCURRENCY,
  });
  const clients = await openClients(devices.length, (i) => {
    const device = devices[i];
    if (device === undefined) throw new RangeError(`no device ${i}`);
    return StormClient.open({
      servers: ctx.connection.natsUrl,
      name: `device-${device.deviceId}`,
      authenticator: tokenAuthenticator(tokens[i] ?? ""),
      inboxPrefix: deviceInboxPrefix(device.deviceId),
    });
  });
  try {
    return await reconnectStorm(clients, ctx.logger, identity);
  } finally {
    await closeAll(clients);
  }
}

function stormFigures(storm: StormResult, floor: StormResult): Figure[] {
  const seconds = (ms: number): number => ms / 1000;
  const figures: Figure[] = [
    {
      ...valueFigure(
        "callout.storm.all_reconnected",
        seconds(storm.allBackMs),
        "s",
        storm.clients,
        {
          target: `${storm.clients} devices ≤ 10 s`,
          note: "nats-server restarted: server back → the last device reconnected through the callout; floor = the same storm of nkey clients",
        },
      ),
      floor: Math.round(floor.allBackMs) / 1000,
      ratio: Math.round((storm.allBackMs / floor.allBackMs) * 100) / 100,
    },
    latencyFigure("callout.storm.reconnect", storm.reconnectMs, {
      floorSamples: floor.reconnectMs,
      note: "per device: server back → reconnected",
    }),
    latencyFigure("callout.floor.storm_reconnect_nkey", floor.reconnectMs),
    valueFigure("callout.storm.outage", seconds(storm.outageMs), "s", storm.clients, {
      note: "nats-server stop → last device reconnected (includes the restart itself)",
    }),
    valueFigure(
      "callout.storm.client_retries",
      storm.clientFailures,
      "connections",
      storm.clients,
      {
        note: "fresh connections devices had to open (the client gives up after two refusals in a row)",
      },
    ),
  ];
  const identity = storm.identity;
  if (identity !== undefined) {
    const window = seconds(storm.windowMs);
    figures.push(
      valueFigure(
        "callout.storm.callouts_per_second",
        window > 0 ? identity.admitted / window : Number.NaN,
        "connections/s",
        identity.admitted,
        {
          note: "device callouts one iot-identity process admitted during the storm / (first → last device back)",
        },
      ),
      valueFigure("callout.storm.identity_ready", seconds(identity.readyMs), "s", 1, {
        note: "server back → iot-identity's own NATS connection back and answering (/readyz)",
      }),
      valueFigure("callout.storm.refused", identity.refused, "callouts", storm.clients, {
        note: "device callouts refused or unanswerable during the storm (see the service's reasons)",
      }),
      valueFigure(
        "callout.storm.identity_cpu_per_callout",
        identity.admitted > 0 ? (identity.cpuSeconds * 1000) / identity.admitted : Number.NaN,
        "ms",
        identity.admitted,
        {
          note: "iot-identity CPU time (user+system, /proc) during the storm per admitted callout",
        },
      ),
    );
  }
  return figures;
}

export const authCallout: Benchmark = async (ctx) => {
  const run = runId();
  const count = Math.max(ctx.env.BENCH_STORM_DEVICES, ctx.env.BENCH_CALLOUT_CONNECTS);
  await installCrd(ctx.connection);
  // Leftovers of an interrupted run first, then ours at the end.
  await removeBenchDevices(ctx.logger);
  ctx.defer(async () => {
    await removeBenchDevices(ctx.logger);
  });
  const identity = await startIdentity(ctx.connection);
  ctx.defer(() => identity.stop());
  const ids = Array.from({ length: count }, (_, i) => `callout-${run}-${i}`);
  const devices = await provisionDevices(ids, run, ctx.logger);

  const connects = await measureConnectTimes(
    ctx,
    identity,
    devices.slice(0, ctx.env.BENCH_CALLOUT_CONNECTS),
  );
  const stormSize = ctx.env.BENCH_STORM_DEVICES;
  const floor = await nkeyStorm(ctx, stormSize);
  const storm = await deviceStorm(ctx, identity, devices.slice(0, stormSize));
  return [...connects, ...stormFigures(storm, floor)];
};
