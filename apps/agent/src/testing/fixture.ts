// One integration test's world: the platform connection, the identity service
// (the auth callout that lets devices in), devices provisioned through the same
// path as `iot-operator device add` with unique ids (so tests never see each
// other's keys or containers), a temp data dir per agent, and cleanup of every
// container those devices' agents created, of their KV keys and of their
// identities (so `npm run demo` after `npm test` shows no test devices).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeviceCredentials } from "@fleet/contracts";
import { startPlatformIdentity } from "@fleet/identity/testing";
import { installDeviceCrd } from "@fleet/kube/testing";
import { kubeConfigFor, platformConnection } from "@fleet/local-platform/testing";
import { provisionTestDevice } from "@fleet/provisioning/testing";
import type { RunningAgent } from "../agent.js";
import { PodmanClient } from "../podman/client.js";
import { startAgentInProcess, type AgentArgs } from "./agent-process.js";
import { connectTestNats, purgeDeviceKeys, StatusFollower, type TestNats } from "./kv.js";
import { removeDeviceContainers } from "./podman.js";

/** A device with an identity at the IdP and a Device CR. */
export interface ProvisionedDevice {
  device: string;
  credentials: DeviceCredentials;
  /** Its credential file (mode 0600). */
  credentialsFile: string;
}

export interface Fixture {
  natsUrl: string;
  podmanSocket: string;
  podman: PodmanClient;
  /** The platform admin's connection: seeds desired state, follows heartbeats. */
  nats: TestNats;
  /** A fresh device id such as `it-create-3f9a1c` (no identity), registered for cleanup. */
  device: (label: string) => string;
  /** A fresh device id with an identity and a credential file, removed at cleanup. */
  provision: (label: string) => Promise<ProvisionedDevice>;
  /** A fresh data dir, removed at cleanup. */
  dataDir: () => Promise<string>;
  /** The settings of an agent for `device` (a fresh data dir). */
  agentArgs: (
    device: ProvisionedDevice,
    options?: Pick<AgentArgs, "heartbeatSeconds" | "resyncSeconds">,
  ) => Promise<AgentArgs>;
  /**
   * A fresh provisioned device with a follower of its status and an in-process
   * agent; both are stopped at cleanup, before the device's containers and keys are removed.
   */
  startDevice: (
    label: string,
    options?: Pick<AgentArgs, "heartbeatSeconds" | "resyncSeconds">,
  ) => Promise<TestDevice>;
  cleanup: () => Promise<void>;
}

export interface TestDevice {
  device: string;
  credentialsFile: string;
  status: StatusFollower;
  agent: RunningAgent;
}

export async function createFixture(): Promise<Fixture> {
  const connection = await platformConnection();
  // The identity service's Device registry, as `iot-operator install` leaves it.
  await installDeviceCrd(await kubeConfigFor("admin"));
  const identity = await startPlatformIdentity();
  const podman = new PodmanClient(connection.podmanSocket);
  const nats = await connectTestNats();
  const devices: string[] = [];
  const identities: (() => Promise<void>)[] = [];
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
    provision: async (label) => {
      const provisioned = await provisionTestDevice(fixture.device(label));
      identities.push(() => provisioned.cleanup());
      return {
        device: provisioned.deviceId,
        credentials: provisioned.credentials,
        credentialsFile: provisioned.credentialsFile,
      };
    },
    dataDir: async () => {
      const dir = await mkdtemp(join(tmpdir(), "iot-agent-it-"));
      dirs.push(dir);
      return dir;
    },
    agentArgs: async (device, options = {}) => ({
      credentialsFile: device.credentialsFile,
      podmanSocket: connection.podmanSocket,
      dataDir: await fixture.dataDir(),
      ...options,
    }),
    startDevice: async (label, options = {}) => {
      const provisioned = await fixture.provision(label);
      const status = await StatusFollower.start(nats.status, provisioned.device);
      const agent = await startAgentInProcess(await fixture.agentArgs(provisioned, options));
      const started = { ...provisioned, status, agent };
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
      for (const remove of identities) await remove();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      await nats.nc.drain();
      await podman.close();
      await identity.stop();
    },
  };
  return fixture;
}
