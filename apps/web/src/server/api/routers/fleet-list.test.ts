// The fleet list at scale, through tRPC's real HTTP handler: the first view is
// a screenful whatever the fleet's size, the whole list comes in pages by id
// with nothing lost or repeated, and a resync returns only what changed.
import { agentStatusSchema } from "@fleet/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import type { DeviceSummary, ReceivedHeartbeat } from "../../../fleet/device-summary";
import { signedInUser } from "../../auth/signed-in-user";
import type { DeploymentsApi } from "../../kube/deployments-api";
import type { Services } from "../../services";
import { callOverHttp, useTestEnv } from "../../../testing/trpc-http";
import { OVERVIEW_ROWS } from "./fleet";

const bob = signedInUser({ username: "bob", role: "viewer" }, "not-a-real-id-token");
const now = Date.now();

const heartbeat = (deviceId: string, receivedAtMs: number): ReceivedHeartbeat => ({
  status: agentStatusSchema.parse({
    deviceId,
    agentVersion: "0.1.0",
    lastHeartbeatAt: new Date(receivedAtMs).toISOString(),
  }),
  receivedAtMs,
});

// 1 234 devices, in no particular order; the last ten were heard just now.
const ids = Array.from(
  { length: 1234 },
  (_, i) => `dev-${String((i * 7919) % 1234).padStart(4, "0")}`,
);
const heartbeats = ids.map((id, i) => heartbeat(id, i >= 1224 ? now : now - 60_000));

const unused = (): never => {
  throw new Error("not used by these tests");
};
const services: Services = {
  deploymentsAs: () =>
    ({ list: () => Promise.resolve([]) }) as Partial<DeploymentsApi> as DeploymentsApi,
  devicesAs: unused,
  deviceProvisioning: false,
  enrollmentTokensAs: unused,
  enrollment: false,
  agentStatus: {
    snapshot: () => Promise.resolve(heartbeats),
    get: () => Promise.resolve(undefined),
  },
  heartbeatPeriodMs: 5000,
};

async function query<T>(path: string, input?: unknown): Promise<T> {
  const { body } = await callOverHttp({ user: bob, services }, path, input);
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data as T;
}

beforeAll(useTestEnv);

describe("fleet.overview - the fleet page's first view", () => {
  it("carries the counts and a screenful of rows, the first by id", async () => {
    const overview = await query<{ total: number; online: number; firstRows: DeviceSummary[] }>(
      "fleet.overview",
    );
    expect(overview.total).toBe(1234);
    expect(overview.online).toBe(10);
    expect(overview.firstRows.map((d) => d.deviceId)).toEqual(
      [...ids].sort().slice(0, OVERVIEW_ROWS),
    );
  });
});

describe("fleet.devicesPage - the whole list in pages", () => {
  it("gives every device once, in id order, page after page", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page: { devices: DeviceSummary[]; next?: string } = await query("fleet.devicesPage", {
        limit: 500,
        ...(after === undefined ? {} : { after }),
      });
      seen.push(...page.devices.map((d) => d.deviceId));
      after = page.next;
      pages += 1;
    } while (after !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].sort());
  });

  it("refuses a page larger than its bound", async () => {
    await expect(query("fleet.devicesPage", { limit: 1_000_000 })).rejects.toThrow(/limit/);
  });
});

describe("fleet.changes - a resync reads only what changed", () => {
  it("returns the devices received since the given time, and the server's time", async () => {
    const changes = await query<{ asOfMs: number; devices: DeviceSummary[] }>("fleet.changes", {
      sinceMs: now - 1000,
    });
    expect(changes.devices.map((d) => d.deviceId)).toEqual(ids.slice(1224).sort());
    expect(changes.asOfMs).toBeGreaterThanOrEqual(now);
  });
});
