// One integration test's world: the platform connection, unique device ids
// (so tests never see each other's keys or containers), a temp data dir per
// device, and cleanup of every container those devices' agents created and of
// their KV keys (so `npm run demo` after `npm test` shows no test devices).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformConnection } from "@fleet/local-platform/testing";
import type { RunningAgent } from "../agent.js";
import { PodmanClient } from "../podman/client.js";
import { startAgentInProcess, type AgentArgs } from "./agent-process.js";
import { connectTestNats, purgeDeviceKeys, StatusFollower, type TestNats } from "./kv.js";
import { removeDeviceContainers } from "./podman.js";

export interface Fixture {
  natsUrl: string;
  podmanSocket: string;
  podman: PodmanClient;
  nats: TestNats;
  /** A fresh device id such as `it-create-3f9a1c`, registered for cleanup. */
  device: (label: string) => string;
  /** A fresh data dir, removed at cleanup. */
  dataDir: () => Promise<string>;
  /**
   * A fresh device with a follower of its status and an in-process agent; both
   * are stopped at cleanup, before the device's containers and keys are removed.
   */
  startDevice: (
    label: string,
    options?: Pick<AgentArgs, "heartbeatSeconds" | "resyncSeconds">,
  ) => Promise<TestDevice>;
  cleanup: () => Promise<void>;
}

export interface TestDevice {
  device: string;
  status: StatusFollower;
  agent: RunningAgent;
}

export async function createFixture(): Promise<Fixture> {
  const connection = await platformConnection();
  const podman = new PodmanClient(connection.podmanSocket);
  const nats = await connectTestNats(connection.natsUrl);
  const devices: string[] = [];
  const dirs: string[] = [];
  const running: TestDevice[] = [];
  const fixture: Fixture = {
    natsUrl: connection.natsUrl,
    podmanSocket: connection.podmanSocket,
    podman,
    nats,
    device: (label) => {
      const id = `it-${label}-${randomBytes(3).toString("hex")}`;
      devices.push(id);
      return id;
    },
    dataDir: async () => {
      const dir = await mkdtemp(join(tmpdir(), "iot-agent-it-"));
      dirs.push(dir);
      return dir;
    },
    startDevice: async (label, options = {}) => {
      const device = fixture.device(label);
      const status = await StatusFollower.start(nats.status, device);
      const agent = await startAgentInProcess({
        device,
        natsUrl: connection.natsUrl,
        podmanSocket: connection.podmanSocket,
        dataDir: await fixture.dataDir(),
        ...options,
      });
      const started = { device, status, agent };
      running.push(started);
      return started;
    },
    cleanup: async () => {
      for (const { agent, status } of running) {
        await agent.stop();
        status.stop();
      }
      for (const device of devices) {
        await removeDeviceContainers(podman, device);
        await purgeDeviceKeys(nats, device);
      }
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      await nats.nc.drain();
      await podman.close();
    },
  };
  return fixture;
}
