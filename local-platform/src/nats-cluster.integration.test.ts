// The platform's lifecycle with a NATS cluster, on a cluster of its own (own
// folder and ports) so the shared platform is never touched.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPlatformEnv } from "./env.js";
import { layoutFor, natsClusterRecord } from "./layout.js";
import { assertNoStrayNatsNodes, recordNatsClusterSize } from "./nats-cluster-record.js";
import { down } from "./platform.js";
import { silentProgress } from "./progress.js";
import { startOwnNats, type OwnNats } from "./testing/index.js";

describe("local platform - a NATS cluster's size is kept until down", () => {
  let nats: OwnNats;

  beforeAll(async () => {
    nats = await startOwnNats({ clusterSize: 3 });
    // What `up --nats-cluster 3` records.
    await recordNatsClusterSize(nats.layout);
  });

  afterAll(async () => {
    await nats.stop();
  });

  it("later commands without FLEET_NATS_CLUSTER find the recorded size; another size is refused, naming the nodes; down stops them and forgets the size", async () => {
    const { FLEET_NATS_CLUSTER: _unset, ...env } = readPlatformEnv();
    const later = layoutFor({
      ...env,
      FLEET_PLATFORM_DIR: nats.layout.root,
      FLEET_NATS_PORT: nats.layout.ports.nats,
      FLEET_NATS_WS_PORT: nats.layout.ports.natsWebsocket,
      FLEET_NATS_MONITOR_PORT: nats.layout.ports.natsMonitor,
    });
    expect(later.natsClusterSize).toBe(3);

    const single = layoutFor({
      ...env,
      FLEET_PLATFORM_DIR: nats.layout.root,
      FLEET_NATS_CLUSTER: 1,
    });
    await expect(assertNoStrayNatsNodes(single)).rejects.toThrow(
      /nats-server-1, nats-server-2, nats-server-3 of a NATS cluster of another size run/,
    );
    expect((await down(single, silentProgress)).sort()).toEqual([
      "nats-server-1",
      "nats-server-2",
      "nats-server-3",
    ]);
    expect(existsSync(natsClusterRecord(nats.layout.root))).toBe(false);
  });
});
