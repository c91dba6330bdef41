// One integration test's world: the platform connection, unique device ids
// (so tests never see each other's keys or containers), a temp data dir per
// device, and cleanup of every container those devices' agents created and of
// their KV keys (so `npm run demo` after `npm test` shows no test devices).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformConnection } from "@fleet/local-platform/testing";
import { PodmanClient } from "../podman/client.js";
import { connectTestNats, purgeDeviceKeys, type TestNats } from "./kv.js";
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
  cleanup: () => Promise<void>;
}

export async function createFixture(): Promise<Fixture> {
  const connection = await platformConnection();
  const podman = new PodmanClient(connection.podmanSocket);
  const nats = await connectTestNats(connection.natsUrl);
  const devices: string[] = [];
  const dirs: string[] = [];
  return {
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
    cleanup: async () => {
      for (const device of devices) {
        await removeDeviceContainers(podman, device);
        await purgeDeviceKeys(nats, device);
      }
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      await nats.nc.drain();
      await podman.close();
    },
  };
}
