// The podman service restarted under real agents while a deployment is
// upgraded: containers run on without the API service, so the deployment that
// did not change keeps its containers (none recreated), the upgrade made while
// podman was away lands once it is back, and CRs, KV, containers and status
// agree with no write lost or applied twice (FaultWorld.expectConsistent).
// The agent-level view of the same fault: apps/agent/src/faults/podman-restart.
import { startServer, stopServer } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, it } from "vitest";
import { FaultWorld, measure } from "../harness/index.js";

let world: FaultWorld | undefined;

const started = (): FaultWorld => {
  if (world === undefined) throw new Error("the fault world did not start");
  return world;
};

beforeAll(async () => {
  world = await FaultWorld.start({ name: "f-podman", realAgents: 2, simulatedAgents: 2 });
});

afterAll(async () => {
  await startServer("podman-service");
  await world?.stop();
});

describe("faults - podman service", () => {
  it("podman service restarted during an upgrade: unchanged containers kept, the upgrade lands, the world agrees", async () => {
    const w = started();
    await w.load.apply("steady", { devices: w.realDevices, version: 1 });
    await w.load.apply("moving", { devices: w.realDevices, version: 1 });
    await w.expectConsistent();

    await stopServer("podman-service");
    await w.load.upgrade("moving");
    await startServer("podman-service");
    const backAt = performance.now();
    await w.expectConsistent();
    measure("podman service back -> world consistent (upgrade made meanwhile applied)", backAt);
  });
});
