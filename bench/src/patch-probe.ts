// Times the API server's own cost of one status merge patch (and one GET) of a
// CR as large as the measured one, on a copy in a namespace no operator
// watches: what each operator status write costs at this fleet size
// (`devices`: how many the status counts).
import type { DeploymentSpecInput } from "@fleet/contracts";
import type { Cluster } from "./cluster.js";

export async function timeStatusPatches(
  cluster: Cluster,
  spec: DeploymentSpecInput,
  devices: number,
  count: number,
): Promise<{ patchMs: number[]; getMs: number[] }> {
  const namespace = await cluster.namespace("patch-probe");
  const name = "probe";
  await cluster.create(namespace, name, spec);
  const patchMs: number[] = [];
  const getMs: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await cluster.deployments.patchStatus(namespace, name, {
        observedGeneration: 1,
        aggregate: {
          succeeded: i,
          failed: 0,
          pending: 0,
          unreported: devices - i,
          lastHeartbeatAt: new Date().toISOString(),
        },
      });
      patchMs.push(performance.now() - t0);
      const t1 = performance.now();
      await cluster.deployments.get(namespace, name);
      getMs.push(performance.now() - t1);
    }
  } finally {
    await cluster.delete(namespace, name);
  }
  return { patchMs, getMs };
}
