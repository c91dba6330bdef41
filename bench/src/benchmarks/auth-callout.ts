// auth-callout: devices connecting through the NATS auth callout (issue 14's
// "Measure"). Real identities: BENCH_STORM_DEVICES devices provisioned through
// @fleet/provisioning (IdP machine user + key + Device CR each), one
// iot-identity process answering the callout.
// 1. Connect time, device by device, beside the floor of an nkey connection
//    that bypasses the callout; the IdP's token exchange reported apart.
// 2. Reconnect storms: every device connected with its own token, then
//    nats-server restarted (BENCH_STORM_ROUNDS times); time until all are back
//    and the callouts per second the one identity process authorized. Floor:
//    the same storms of nkey clients (no callout).
// Timings are reported, never asserted.
import { provisionDevices, removeBenchDevices } from "../bench-devices.js";
import { deviceStorms, nkeyStorms } from "../callout-storms.js";
import { measureConnectTimes } from "../connect-times.js";
import type { Benchmark } from "../context.js";
import { startIdentity } from "../identity-process.js";
import { installCrd } from "../processes.js";
import { runId } from "../spec.js";
import { stormFigures } from "../storm-figures.js";

export const authCallout: Benchmark = async (ctx) => {
  const run = runId();
  const { BENCH_STORM_DEVICES: stormSize, BENCH_CALLOUT_CONNECTS: connects } = ctx.env;
  await installCrd(ctx.connection);
  // Leftovers of an interrupted run first, then ours at the end.
  await removeBenchDevices(ctx.logger);
  ctx.defer(async () => {
    await removeBenchDevices(ctx.logger);
  });
  const identity = await startIdentity(ctx.connection);
  ctx.defer(() => identity.stop());
  const count = Math.max(stormSize, connects);
  const ids = Array.from({ length: count }, (_, i) => `callout-${run}-${i}`);
  const devices = await provisionDevices(ids, run, ctx.logger);

  const connectFigures = await measureConnectTimes(ctx, identity, devices.slice(0, connects));
  const rounds = ctx.env.BENCH_STORM_ROUNDS;
  const floors = await nkeyStorms(ctx, stormSize, rounds);
  const storms = await deviceStorms(ctx, identity, devices.slice(0, stormSize), rounds);
  return [...connectFigures, ...stormFigures(storms, floors)];
};
