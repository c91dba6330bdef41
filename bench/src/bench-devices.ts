// Devices with real identities for the benchmarks, provisioned through the
// path `iot-operator device add` takes (@fleet/provisioning: an IdP machine
// user and its key via the management API as the platform's IdP admin, then the
// Device CR as the kube admin), a few at a time. Each carries BENCH_LABEL, so
// removal finds every one, including the leftovers of an interrupted run.
// Keys stay in memory: the bench never writes a device's key to disk.
import type { DeviceCredentials } from "@fleet/contracts";
import { DeviceClient } from "@fleet/kube";
import { kubeConfigFor, waitUntil } from "@fleet/local-platform/testing";
import { platformProvisioning } from "@fleet/provisioning/testing";
import pMap from "p-map";
import type { Logger } from "./logger.js";

/** Label on every Device a benchmark creates; its value is the run's id. */
export const BENCH_LABEL = "fleet-bench-run";

/** Requests in flight against the IdP and the API server while (de)provisioning. */
const CONCURRENCY = 8;

export async function provisionDevices(
  ids: readonly string[],
  run: string,
  logger: Logger,
): Promise<DeviceCredentials[]> {
  const provisioning = await platformProvisioning();
  const started = performance.now();
  const credentials = await pMap(
    ids,
    (id) => provisioning.addDevice({ id, labels: { [BENCH_LABEL]: run } }),
    { concurrency: CONCURRENCY },
  );
  logger.info(
    { devices: ids.length, seconds: Math.round((performance.now() - started) / 1000) },
    "devices provisioned (IdP machine user + key + Device CR each)",
  );
  return credentials;
}

/** Removes every benchmark Device and its IdP user; resolves with how many. */
export async function removeBenchDevices(logger: Logger): Promise<number> {
  const client = DeviceClient.forKubeConfig(await kubeConfigFor("admin"));
  let names: string[] = [];
  // Just after the CRD is installed, its storage may answer 429 for a moment.
  await waitUntil(
    async () => {
      const { items } = await client.list({ labelSelector: BENCH_LABEL });
      names = items.flatMap((item) => (item.metadata?.name ? [item.metadata.name] : []));
      return true;
    },
    { what: "the list of benchmark Devices", timeoutMs: 30_000 },
  );
  if (names.length === 0) return 0;
  const provisioning = await platformProvisioning();
  await pMap(names, (name) => provisioning.removeDevice(name), { concurrency: CONCURRENCY });
  logger.info({ devices: names.length }, "benchmark devices removed (IdP users and Device CRs)");
  return names.length;
}
