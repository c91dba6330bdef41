import { nginxImageRef } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { putDesired, type StatusFollower } from "../testing/kv.js";
import { keyContainers } from "../testing/podman.js";

// Nothing serves a registry on localhost here, so this reference can never be pulled.
const UNPULLABLE = "localhost/does-not-exist:1";
const PULL_FAILED =
  /^image localhost\/does-not-exist:1 is not on this device and pulling it failed: .+/;
// Retries counted in the error text ("attempt 4 failed, retrying in 3.0s").
const CRASHING_COMMAND = ["/usr/sbin/nginx", "-c", "/nonexistent.conf"];
const RETRIED_THREE_TIMES = /; attempt ([4-9]|\d{2,}) failed, retrying in \d+(\.\d)?s$/;

describe("agent - stable phases", () => {
  let fx: Fixture;
  let status: StatusFollower;
  let device: string;

  beforeAll(async () => {
    fx = await createFixture();
    // resyncSeconds caps the retry backoff (and resyncs too): several retries within seconds.
    ({ device, status } = await fx.startDevice("phases", {
      heartbeatSeconds: 1,
      resyncSeconds: 3,
    }));
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  it("stable phases - an image that cannot be pulled stays Failed across retries, never Pending, until fixed", async () => {
    const target = { device, namespace: "demo", name: "unpullable" };
    const key = await putDesired(fx.nats.desired, { ...target, generation: 1 }, [
      { name: "web", image: UNPULLABLE, ports: [] },
    ]);
    const first = await status.next((s) => s.deployments[key]?.phase === "Failed", {
      what: "Failed after the first pull",
      timeoutMs: 30_000,
    });
    const firstIndex = status.history.indexOf(first);

    // Stop at the first status that is not Failed (the bug), or once four attempts have failed.
    const last = await status.next(
      (s) => {
        const report = s.deployments[key];
        return report?.phase !== "Failed" || RETRIED_THREE_TIMES.test(report.lastError ?? "");
      },
      { what: "four failed attempts", timeoutMs: 45_000, since: firstIndex },
    );
    const seen = status.history.slice(firstIndex, status.history.indexOf(last) + 1);
    const phases = seen.map(({ status: heartbeat }) => heartbeat.deployments[key]?.phase);
    expect(phases).toEqual(phases.map(() => "Failed"));
    expect(seen.length).toBeGreaterThanOrEqual(4); // several consecutive heartbeats
    for (const { status: heartbeat } of seen) {
      const report = heartbeat.deployments[key];
      expect(report?.lastError).toMatch(PULL_FAILED);
      expect(report?.lastError).toMatch(/; attempt \d+ failed, retrying in \d+(\.\d)?s$/);
    }
    // The failure is one event in the ring, not one per retry.
    const errorEvents = last.status.recentEvents.filter(
      (e) => e.deployment === key && e.severity === "Error",
    );
    expect(errorEvents).toHaveLength(1);
    expect(errorEvents[0]?.message).toMatch(PULL_FAILED);
    expect(await keyContainers(fx.podman, device, key)).toHaveLength(0);

    // Fixing the desired state (a new generation) makes it run.
    const fixedAt = status.history.length;
    await putDesired(fx.nats.desired, { ...target, generation: 2 }, [
      { name: "web", image: nginxImageRef("1.0"), ports: [] },
    ]);
    const running = await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running once fixed",
      timeoutMs: 30_000,
      since: fixedAt,
    });
    expect(running.status.deployments[key]?.lastError).toBeUndefined();
    // An attempt still running when the fix arrived is not reported as a new failure.
    const pullErrors = running.status.recentEvents.filter(
      (e) => e.deployment === key && e.severity === "Error" && PULL_FAILED.test(e.message),
    );
    expect(pullErrors).toHaveLength(1);
    const [container] = await keyContainers(fx.podman, device, key);
    expect(container?.state).toBe("running");
  });

  it("stable phases - a container that keeps exiting stays Failed between its restarts", async () => {
    // nginx exits with code 1 at once when its config file does not exist.
    const key = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "crash-loop", generation: 1 },
      [{ name: "web", image: nginxImageRef("1.0"), command: CRASHING_COMMAND, ports: [] }],
    );
    // The first exit and restart may be a one-off; from the second on, it is a crash loop.
    const looping = await status.next(
      (s) => s.deployments[key]?.lastError?.includes("(restart #2)") === true,
      { what: "the second restart", timeoutMs: 30_000 },
    );
    const from = status.history.indexOf(looping);
    const last = await status.next(
      (s) => {
        const report = s.deployments[key];
        return report?.phase !== "Failed" || (report.lastError?.includes("(restart #4)") ?? false);
      },
      { what: "the fourth restart", timeoutMs: 45_000, since: from },
    );
    const seen = status.history.slice(from, status.history.indexOf(last) + 1);
    const phases = seen.map(({ status: heartbeat }) => heartbeat.deployments[key]?.phase);
    expect(phases).toEqual(phases.map(() => "Failed"));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const { status: heartbeat } of seen) {
      expect(heartbeat.deployments[key]?.lastError).toMatch(/^service "web" exited with code 1; /);
    }
  });
});
