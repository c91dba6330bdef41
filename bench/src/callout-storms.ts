// The two reconnect storms of `auth-callout`, each run for several rounds on
// the same connected clients: the floor (nkey clients, which nats-server
// admits itself, their nonce signed natively) and the measured one (devices
// presenting their own IdP access tokens, admitted by iot-identity).
import { deviceInboxPrefix, type DeviceCredentials } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { fetchTrusting } from "@fleet/zitadel";
import { tokenAuthenticator } from "@nats-io/transport-node";
import { readFile } from "node:fs/promises";
import pMap from "p-map";
import type { BenchContext } from "./context.js";
import { deviceTokens } from "./device-tokens.js";
import type { IdentityProcess } from "./identity-process.js";
import { nativeCredsAuthenticator } from "./native-nkey.js";
import { openClients, reconnectStorm, type StormResult } from "./reconnect-storm.js";
import { StormClient } from "./storm-client.js";

/** Token requests in flight at the IdP while the storm's devices get theirs. */
const TOKEN_CONCURRENCY = 8;

async function rounds(
  clients: readonly StormClient[],
  count: number,
  storm: () => Promise<StormResult>,
  settle: () => Promise<void> = () => Promise.resolve(),
): Promise<StormResult[]> {
  try {
    const results: StormResult[] = [];
    for (let round = 0; round < count; round++) {
      results.push(await storm());
      await settle();
    }
    return results;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** The floor: `count` clients with the platform admin's nkey .creds. */
export async function nkeyStorms(
  ctx: BenchContext,
  count: number,
  roundCount: number,
): Promise<StormResult[]> {
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
  return rounds(clients, roundCount, () => reconnectStorm(clients, ctx.logger));
}

/** Until the identity service has answered nothing for a moment: the previous storm's queue is drained. */
async function calloutsQuiet(identity: IdentityProcess): Promise<void> {
  let previous = Number.NaN;
  await waitUntil(
    async () => {
      const total = await identity.metric("identity_callout_total");
      const quiet = total === previous;
      previous = total;
      return quiet;
    },
    { what: "iot-identity idle after the storm", timeoutMs: 120_000, intervalMs: 1_000 },
  );
}

/** The measured storm: each device with a token of its own from the IdP, as the agent connects. */
export async function deviceStorms(
  ctx: BenchContext,
  identity: IdentityProcess,
  devices: readonly DeviceCredentials[],
  roundCount: number,
): Promise<StormResult[]> {
  const fetch = fetchTrusting(devices[0]?.issuerCa);
  const tokens = await pMap(devices, async (d) => (await deviceTokens(d, fetch).token()).value, {
    concurrency: TOKEN_CONCURRENCY,
  });
  // After the floor's restarts the service may still be reconnecting; devices need it.
  await waitUntil(() => identity.ready(), { what: "iot-identity ready", timeoutMs: 60_000 });
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
  return rounds(
    clients,
    roundCount,
    () => reconnectStorm(clients, ctx.logger, identity),
    () => calloutsQuiet(identity),
  );
}
