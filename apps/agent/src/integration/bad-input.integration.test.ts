import { freePort, nginxImageRef } from "@fleet/local-platform/testing";
import { desiredStateKey } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "../testing/fixture.js";
import { nginxService, putDesired, type StatusFollower } from "../testing/kv.js";
import { keyContainers } from "../testing/podman.js";

const encoder = new TextEncoder();

describe("agent - bad input", () => {
  let fx: Fixture;
  let status: StatusFollower;
  let device: string;
  let goodKey: string;
  let goodId: string | undefined;

  beforeAll(async () => {
    fx = await createFixture();
    ({ device, status } = await fx.startDevice("bad"));
    goodKey = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "good", generation: 1 },
      [nginxService("1.0", await freePort())],
    );
    await status.next((s) => s.deployments[goodKey]?.phase === "Running", {
      what: "good Running",
      timeoutMs: 30_000,
    });
    goodId = (await keyContainers(fx.podman, device, goodKey))[0]?.id;
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  async function expectGoodUntouched(): Promise<void> {
    const [container] = await keyContainers(fx.podman, device, goodKey);
    expect(container?.id).toBe(goodId);
    expect(container?.state).toBe("running");
  }

  it("bad input - a payload that is not JSON fails only its own deployment", async () => {
    const key = desiredStateKey({ device, namespace: "demo", name: "not-json" });
    const since = status.history.length;
    await fx.nats.desired.put(key, encoder.encode("{ this is not json"));
    const seen = await status.next((s) => s.deployments[key]?.phase === "Failed", {
      what: "Failed",
      timeoutMs: 15_000,
      since,
    });
    expect(seen.status.deployments[key]?.lastError).toMatch(
      /^invalid desired-state payload: not JSON/,
    );
    expect(seen.status.deployments[goodKey]?.phase).toBe("Running");
    await expectGoodUntouched();
  });

  it("bad input - a payload failing the schema names the field", async () => {
    const key = desiredStateKey({ device, namespace: "demo", name: "schema" });
    const payload = {
      schemaVersion: 1,
      deployment: { namespace: "demo", name: "schema", uid: "u1", generation: 1 },
      score: {
        PodmanV0: {
          services: [{ name: "web", image: "", ports: [{ hostPort: 70000, containerPort: 80 }] }],
        },
      },
    };
    const since = status.history.length;
    await fx.nats.desired.put(key, encoder.encode(JSON.stringify(payload)));
    const seen = await status.next((s) => s.deployments[key]?.phase === "Failed", {
      what: "Failed",
      timeoutMs: 15_000,
      since,
    });
    const lastError = seen.status.deployments[key]?.lastError ?? "";
    expect(lastError).toContain("score.PodmanV0.services[0].image: must name a container image");
    expect(lastError).toContain(
      "score.PodmanV0.services[0].ports[0].hostPort: must be a port number from 1 to 65535",
    );
    expect(seen.status.deployments[goodKey]?.phase).toBe("Running");
    await expectGoodUntouched();
  });

  it("bad input - a missing image fails with a clear lastError and the agent keeps serving others", async () => {
    const image = "localhost/fleet-nginx:does-not-exist";
    const since = status.history.length;
    const key = await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "no-image", generation: 1 },
      [{ name: "web", image, ports: [] }],
    );
    const seen = await status.next((s) => s.deployments[key]?.phase === "Failed", {
      what: "Failed",
      timeoutMs: 30_000,
      since,
    });
    expect(seen.status.deployments[key]?.lastError).toMatch(
      /^image localhost\/fleet-nginx:does-not-exist is not on this device and pulling it failed: .+/,
    );
    expect(await keyContainers(fx.podman, device, key)).toHaveLength(0);
    await expectGoodUntouched();

    // Still alive and reconciling: fixing the payload makes it run.
    const fixed = status.history.length;
    await putDesired(
      fx.nats.desired,
      { device, namespace: "demo", name: "no-image", generation: 2 },
      [{ name: "web", image: nginxImageRef("1.0"), ports: [] }],
    );
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "Running once fixed",
      timeoutMs: 30_000,
      since: fixed,
    });
  });

  it("bad input - a malformed update leaves the running version running", async () => {
    const since = status.history.length;
    await fx.nats.desired.put(goodKey, encoder.encode('{"schemaVersion":1}'));
    const seen = await status.next((s) => s.deployments[goodKey]?.phase === "Failed", {
      what: "Failed",
      timeoutMs: 15_000,
      since,
    });
    expect(seen.status.deployments[goodKey]?.lastError).toContain("deployment:");
    await expectGoodUntouched();
  });
});
