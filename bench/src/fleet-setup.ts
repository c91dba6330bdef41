// Operator + one real agent device in a fresh namespace, cleaned up at the end:
// the setup shared by `reconcile` and `failure-detection`. The device is
// provisioned like any other (IdP machine user, Device CR, credential file)
// and connects through the auth callout, so iot-identity runs too.
import { agentStatusKey, LABELS } from "@fleet/contracts";
import { waitUntil } from "@fleet/local-platform/testing";
import { provisionTestDevice } from "@fleet/provisioning/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchContext } from "./context.js";
import { BENCH_LABEL } from "./bench-devices.js";
import { startIdentity } from "./identity-process.js";
import { installCrd, startAgent, startOperator } from "./processes.js";
import { runId } from "./spec.js";

export interface OneDevice {
  namespace: string;
  device: string;
}

export async function operatorWithOneDevice(ctx: BenchContext, prefix: string): Promise<OneDevice> {
  const id = runId();
  await installCrd(ctx.connection);
  const namespace = await ctx.cluster.namespace(prefix);
  const device = `${prefix}-dev-${id}`;
  const operator = await startOperator(ctx.connection, { namespace, lease: `${prefix}-${id}` });
  ctx.defer(() => operator.stop());
  const identity = await startIdentity(ctx.connection);
  ctx.defer(() => identity.stop());
  const provisioned = await provisionTestDevice(device, { labels: { [BENCH_LABEL]: id } });
  ctx.defer(() => provisioned.cleanup());
  const dataDir = await mkdtemp(join(tmpdir(), `bench-agent-${device}-`));
  const agent = startAgent(ctx.connection, provisioned.credentialsFile, dataDir);
  ctx.defer(async () => {
    await agent.stop();
    await rm(dataDir, { recursive: true, force: true });
    for (const c of await ctx.podman.withLabel(LABELS.device, device)) {
      await ctx.podman.remove(c.id);
    }
    const leftovers = await ctx.podman.withLabel(LABELS.managedBy);
    ctx.logger.debug({ leftovers: leftovers.length }, "managed containers left on this podman");
  });
  // Measure from a ready device: its first heartbeat is in KV.
  await waitUntil(async () => (await ctx.kv.status.get(agentStatusKey(device))) !== null, {
    what: `first heartbeat of ${device}`,
    timeoutMs: 60_000,
  });
  ctx.logger.info({ namespace, device }, "operator and agent started");
  return { namespace, device };
}
