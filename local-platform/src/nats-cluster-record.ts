// `up` records the NATS cluster size it started, so that later commands on the
// same platform folder (`env`, `status`, `down`, a test run without
// FLEET_NATS_CLUSTER) find the same nodes (layout.ts reads it); `down` forgets it
// once no nats-server runs. A platform of one size never starts beside the
// nodes of another on the same ports.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { PlatformError } from "./errors.js";
import { natsClusterRecord, type Layout } from "./layout.js";
import { allNatsNodeNames, natsNodes } from "./nats-nodes.js";
import { runningProcess } from "./processes.js";

export async function recordNatsClusterSize(layout: Layout): Promise<void> {
  const file = natsClusterRecord(layout.root);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ size: layout.natsClusterSize }));
}

/** Names of running nats-servers, of any cluster size. */
export async function runningNatsNodes(layout: Layout): Promise<string[]> {
  const names = allNatsNodeNames();
  const running = await Promise.all(names.map((name) => runningProcess(layout, name)));
  return names.filter((_, i) => running[i] !== undefined);
}

/** Running nats-servers that are not nodes of this layout's cluster size (an earlier `up` of another size). */
export async function strayNatsNodes(layout: Layout): Promise<string[]> {
  const own = new Set(natsNodes(layout).map((node) => node.name));
  return (await runningNatsNodes(layout)).filter((name) => !own.has(name));
}

export async function assertNoStrayNatsNodes(layout: Layout): Promise<void> {
  const strays = await strayNatsNodes(layout);
  if (strays.length > 0)
    throw new PlatformError(
      `${strays.join(", ")} of a NATS cluster of another size run${strays.length === 1 ? "s" : ""} in ${layout.root}, not the ${String(layout.natsClusterSize)} node(s) asked for (FLEET_NATS_CLUSTER); stop the platform first (platform down)`,
    );
}

/** Forgets the recorded size once no nats-server of this folder runs. */
export async function forgetNatsClusterSizeIfStopped(layout: Layout): Promise<void> {
  if ((await runningNatsNodes(layout)).length === 0)
    await rm(natsClusterRecord(layout.root), { force: true });
}
