// failure-detection: a container killed out of band (podman API, SIGKILL) →
// `.status.aggregate.failed` going up in its CR (seen on a CR watch). Floor:
// podman's own event delivery, kill → `died` event on the events stream.
// Each kill hits a different deployment, so every recovery is the agent's
// first restart (1 s backoff) rather than a growing backoff.
import { desiredStateKey, LABELS } from "@fleet/contracts";
import { freePort } from "@fleet/local-platform/testing";
import { ContainerEvents } from "../container-events.js";
import type { Benchmark } from "../context.js";
import { CrWatch } from "../cr-watch.js";
import { PartError } from "../errors.js";
import { operatorWithOneDevice } from "../fleet-setup.js";
import { DeviceStatusWatch } from "../status-watch.js";
import { latencyFigure } from "../stats.js";
import { nginxSpec } from "../spec.js";

const healthy = (a: { succeeded: number; failed: number } | undefined): boolean =>
  a?.succeeded === 1 && a.failed === 0;

export const failureDetection: Benchmark = async (ctx) => {
  const { namespace, device } = await operatorWithOneDevice(ctx, "failure");
  const events = await ContainerEvents.open(ctx.podman);
  const crs = await CrWatch.open(ctx.cluster, namespace);
  const heartbeats = await DeviceStatusWatch.open(ctx.kv.status, device);
  ctx.defer(() => {
    events.close();
    crs.close();
    heartbeats.close();
    return Promise.resolve();
  });
  const names = Array.from({ length: ctx.env.BENCH_KILLS }, (_, i) => `svc-${i}`);
  for (const name of names) {
    await ctx.cluster.create(namespace, name, nginxSpec([device], await freePort()));
  }
  ctx.defer(async () => {
    for (const name of names) await ctx.cluster.delete(namespace, name);
  });
  for (const name of names) await crs.until(name, healthy, 120_000, "running");

  const detections: number[] = [];
  const dieEvents: number[] = [];
  const agentReports: number[] = [];
  const recoveries: number[] = [];
  for (const name of names) {
    const key = desiredStateKey({ device, namespace, name });
    const [container] = (await ctx.podman.withLabel(LABELS.deploymentKey, key)).filter(
      (c) => c.state === "running",
    );
    if (container === undefined) throw new PartError(`no running container for ${key}`);
    const died = events.next(
      (e) => (e.action === "died" || e.action === "die") && e.id === container.id,
      30_000,
      `die of ${key}`,
    );
    const failed = crs.until(name, (a) => (a?.failed ?? 0) >= 1, 30_000, "failed");
    const reported = heartbeats.next((s) => s.deployments[key]?.phase === "Failed");
    const t0 = performance.now();
    await ctx.podman.kill(container.id);
    dieEvents.push((await died).at - t0);
    agentReports.push((await reported) - t0);
    detections.push((await failed) - t0);
    // Recovery (the agent restarts it after its 1 s backoff) before the next kill.
    recoveries.push((await crs.until(name, healthy, 60_000, "recovered")) - t0);
    ctx.logger.debug({ name, ms: Math.round(detections.at(-1) ?? 0) });
  }
  return [
    latencyFigure("failure.kill_to_cr_failed", detections, {
      floorSamples: dieEvents,
      target: "p99 ≤ 1000 ms",
      note: "podman kill → .status.aggregate.failed ≥ 1 on a CR watch; floor = kill → podman died event",
    }),
    latencyFigure("failure.floor.kill_to_podman_event", dieEvents),
    latencyFigure("failure.kill_to_agent_status_failed", agentReports, {
      note: "the agent's part: kill → Failed in the agent-status KV",
    }),
    latencyFigure("failure.kill_to_cr_recovered", recoveries, {
      note: "includes the agent's 1 s restart backoff",
    }),
  ];
};
