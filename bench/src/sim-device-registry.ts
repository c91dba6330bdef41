// Device CRs for simulated devices: each has labels and a fake identity (an
// IdP user and key id that exist nowhere), so the operator counts it as an
// enrolled device its selectors may target. No IdP user is made: these devices
// never connect themselves (the heartbeat simulator speaks for them). Each is
// created with the status an operator leaves on a device that is online (as
// after an operator restart), so what the operator patches afterwards is the
// fleet's steady state, not a whole fleet's first transition to Online.
// Created and relabelled in parallel with a bounded number of requests in
// flight; removed with one delete-collection call by their label.
import {
  API_GROUP,
  API_VERSION,
  DEVICE_CONDITION_ONLINE,
  DEVICE_PLURAL,
  deviceManifest,
  type DeviceStatus,
} from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import { adminKubeConfig } from "./kube-admin.js";
import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import pMap from "p-map";
import type { TargetSelector } from "./spec.js";

/** Label on every simulated Device; its value is the run's id. */
export const SIM_DEVICE_LABEL = "fleet-bench-sim";
/** The fleet size at which a Device was created, so a selector can take the first N. */
const SIZE_LABEL = "bench-size";

export interface Growth {
  created: number;
  seconds: number;
  /** Devices created per second, each with its status written. */
  perSecond: number;
}

/**
 * What the operator's Device status writer leaves on a device whose heartbeats
 * are fresh and report one deployment (the simulator's).
 */
function onlineStatus(agentVersion: string): Partial<DeviceStatus> {
  const now = new Date().toISOString();
  return {
    connectivity: "Online",
    lastSeenAt: now,
    agentVersion,
    reportedDeployments: 1,
    conditions: [
      {
        type: DEVICE_CONDITION_ONLINE,
        status: "True",
        reason: "HeartbeatFresh",
        message: "heartbeats arrive within the staleness window",
        lastTransitionTime: now,
      },
    ],
  };
}

export class SimDeviceRegistry {
  /** The Device names created so far, in order. */
  readonly ids: string[] = [];
  /** The sizes grown to so far (each one's new Devices carry it in SIZE_LABEL). */
  readonly #sizes: number[] = [];

  private constructor(
    private readonly kc: KubeConfig,
    private readonly devices: DeviceClient,
    readonly run: string,
    private readonly options: { concurrency: number; agentVersion: string },
  ) {}

  static async open(
    run: string,
    options: { concurrency: number; agentVersion: string },
  ): Promise<SimDeviceRegistry> {
    const kc = await adminKubeConfig();
    return new SimDeviceRegistry(kc, DeviceClient.forKubeConfig(kc), run, options);
  }

  /** A selector matching the first `size` Devices (a size grown to), and `extra` labels. */
  selectorUpTo(size: number, extra: Record<string, string> = {}): TargetSelector {
    return {
      matchLabels: { [SIM_DEVICE_LABEL]: this.run, ...extra },
      matchExpressions: [
        {
          key: SIZE_LABEL,
          operator: "In",
          values: this.#sizes.filter((grown) => grown <= size).map(String),
        },
      ],
    };
  }

  /** Creates Devices (each with an Online status) until `size` exist; resolves with how long that took. */
  async growTo(size: number): Promise<Growth> {
    const from = this.ids.length;
    const fresh = Array.from({ length: Math.max(0, size - from) }, (_, k) => from + k);
    const started = performance.now();
    await pMap(
      fresh,
      async (index) => {
        const name = `sim-${index}-${this.run}`;
        await this.devices.create(
          deviceManifest({
            name,
            labels: { [SIM_DEVICE_LABEL]: this.run, [SIZE_LABEL]: String(size) },
            spec: { identity: { userId: `bench-user-${index}`, keyId: `bench-key-${index}` } },
          }),
        );
        await this.devices.patchStatus(name, onlineStatus(this.options.agentVersion));
      },
      { concurrency: this.options.concurrency },
    );
    for (const index of fresh) this.ids.push(`sim-${index}-${this.run}`);
    if (fresh.length > 0) this.#sizes.push(size);
    const seconds = (performance.now() - started) / 1000;
    return { created: fresh.length, seconds, perSecond: fresh.length / seconds };
  }

  /**
   * Merge-patches the labels of `names` (null removes a label); calls `sent`
   * with each device just before its request goes out.
   */
  async relabel(
    names: readonly string[],
    labels: Record<string, string | null>,
    sent: (name: string, at: number) => void,
  ): Promise<void> {
    await pMap(
      names,
      async (name) => {
        sent(name, performance.now());
        await this.devices.mergePatch(name, { metadata: { labels } });
      },
      { concurrency: this.options.concurrency },
    );
  }

  /** Deletes every Device of this run (one request; the API server deletes them one by one). */
  async removeAll(): Promise<void> {
    await deleteDevices(this.kc, `${SIM_DEVICE_LABEL}=${this.run}`);
    this.ids.length = 0;
  }

  /** Deletes the simulated Devices of every run, e.g. those an interrupted run left. */
  static async removeLeftovers(): Promise<void> {
    await deleteDevices(await adminKubeConfig(), SIM_DEVICE_LABEL);
  }
}

/**
 * Deletes every Device matching `labelSelector`. One delete-collection call
 * deletes them one by one on the server; tens of thousands outlast its request
 * timeout (504), and just after the CRD is installed its storage may answer
 * 429, so the call is repeated until no such Device is left.
 */
async function deleteDevices(kc: KubeConfig, labelSelector: string): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const devices = DeviceClient.forKubeConfig(kc);
  await waitUntil(
    async () => {
      await api.deleteCollectionClusterCustomObject({
        group: API_GROUP,
        version: API_VERSION,
        plural: DEVICE_PLURAL,
        labelSelector,
      });
      return (await devices.list({ labelSelector, limit: 1 })).items.length === 0;
    },
    { what: `Devices ${labelSelector} removed`, timeoutMs: 900_000, intervalMs: 1000 },
  );
}
