// Connect time through the auth callout beside its floor, device by device:
// the device's token exchange at the IdP (first: discovery + TLS + exchange,
// what an agent pays when it starts; then the exchange alone), a NATS connect
// presenting that token (nats-server asks iot-identity, which checks it and
// answers with the device's user JWT), and, as the floor, the same client
// connecting with an nkey .creds that nats-server accepts itself (the platform
// admin's, listed in auth_callout.auth_users), its nonce signed natively
// (native-nkey.ts; nats.js's own pure-JS signature is timed apart). The two
// connects alternate which goes first, so a slow moment hits both alike.
import { deviceInboxPrefix, type DeviceCredentials } from "@fleet/contracts";
import {
  connect,
  credsAuthenticator,
  tokenAuthenticator,
  type Authenticator,
} from "@nats-io/transport-node";
import { readFile } from "node:fs/promises";
import type { BenchContext } from "./context.js";
import { deviceTokens } from "./device-tokens.js";
import type { IdentityProcess } from "./identity-process.js";
import { nativeCredsAuthenticator } from "./native-nkey.js";
import { latencyFigure, valueFigure, type Figure } from "./stats.js";

const ADMITTED = { kind: "device", result: "admitted" };

export async function measureConnectTimes(
  ctx: BenchContext,
  identity: IdentityProcess,
  devices: readonly DeviceCredentials[],
): Promise<Figure[]> {
  const creds = await readFile(ctx.connection.natsSecrets.adminCreds);
  const nkey = await nativeCredsAuthenticator(creds);
  const natsJsSigner = credsAuthenticator(creds);
  const timedConnect = async (deviceId: string, authenticator: Authenticator): Promise<number> => {
    const t0 = performance.now();
    const nc = await connect({
      servers: ctx.connection.natsUrl,
      name: `bench-connect-${deviceId}`,
      authenticator,
      inboxPrefix: deviceInboxPrefix(deviceId),
      reconnect: false,
    });
    const ms = performance.now() - t0;
    await nc.close();
    return ms;
  };
  const serviceSeconds0 = await identity.metric("identity_callout_duration_seconds_sum", ADMITTED);
  const serviceCount0 = await identity.metric("identity_callout_duration_seconds_count", ADMITTED);
  const firstTokens: number[] = [];
  const exchanges: number[] = [];
  const callout: number[] = [];
  const floor: number[] = [];
  const jsSignatures: number[] = [];
  for (const [i, device] of devices.entries()) {
    const signedAt = performance.now();
    natsJsSigner(`nonce-${i}`);
    jsSignatures.push(performance.now() - signedAt);
    const tokens = deviceTokens(device);
    let t0 = performance.now();
    await tokens.token();
    firstTokens.push(performance.now() - t0);
    tokens.invalidate();
    t0 = performance.now();
    const token = await tokens.token();
    exchanges.push(performance.now() - t0);
    const withToken = (): Promise<number> =>
      timedConnect(device.deviceId, tokenAuthenticator(token.value));
    const withNkey = (): Promise<number> => timedConnect(device.deviceId, nkey);
    if (i % 2 === 0) {
      callout.push(await withToken());
      floor.push(await withNkey());
    } else {
      floor.push(await withNkey());
      callout.push(await withToken());
    }
  }
  const serviceCount =
    (await identity.metric("identity_callout_duration_seconds_count", ADMITTED)) - serviceCount0;
  const serviceSeconds =
    (await identity.metric("identity_callout_duration_seconds_sum", ADMITTED)) - serviceSeconds0;
  return [
    latencyFigure("callout.connect", callout, {
      floorSamples: floor,
      note: "NATS connect presenting the device's IdP access token (auth callout to iot-identity) → connected; floor = the same client with an nkey .creds that bypasses the callout",
    }),
    latencyFigure("callout.floor.connect_nkey", floor),
    valueFigure(
      "callout.service_time_mean",
      serviceCount === 0 ? Number.NaN : (serviceSeconds / serviceCount) * 1000,
      "ms",
      serviceCount,
      { note: "iot-identity's own time per admitted device callout (its histogram: sum / count)" },
    ),
    latencyFigure("callout.floor.nkey_sign_natsjs", jsSignatures, {
      note: "nats.js's own nkey signature of a nonce (pure JS); the floor signs natively instead",
    }),
    latencyFigure("callout.token_exchange", exchanges, {
      note: "JWT-profile grant at the IdP (assertion signed, token endpoint, warm TLS connection) — a renewal",
    }),
    latencyFigure("callout.token_first", firstTokens, {
      note: "discovery + TLS + exchange: what an agent pays for its first token",
    }),
  ];
}
