import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { DeviceSummary } from "../fleet/device-summary";
import { keepShownHeartbeats } from "./keep-shown";

const summary = (deviceId: string, sentAt: string): DeviceSummary => ({
  deviceId,
  sentAt,
  lastHeartbeatAt: sentAt,
  deployments: [],
});
const OLD = "2026-01-01T00:00:00.000Z";
const NEW = "2026-01-01T00:00:05.000Z";
const devicesKey = ["fleet", "devices"];
const overviewKey = ["fleet", "overview"];

describe("heartbeats the feed showed, over lists the server answers later", () => {
  it("keeps a newer live heartbeat when a list read before it arrives", async () => {
    const client = new QueryClient();
    const kept = keepShownHeartbeats(client, { devices: devicesKey, overview: overviewKey });
    // The live feed shows a's new heartbeat before the list has loaded.
    kept.remember([summary("a", NEW)]);
    // The list, read on the server before that heartbeat reached it.
    await client.query({
      queryKey: devicesKey,
      queryFn: () => ({ devices: [summary("a", OLD), summary("b", OLD)] }),
    });
    const list = client.getQueryData<{ devices: DeviceSummary[] }>(devicesKey);
    expect(list?.devices.map((d) => [d.deviceId, d.sentAt])).toEqual([
      ["a", NEW],
      ["b", OLD],
    ]);
    kept.stop();
  });

  it("lets a newer server answer through, and the overview follows the same rule", async () => {
    const client = new QueryClient();
    const kept = keepShownHeartbeats(client, { devices: devicesKey, overview: overviewKey });
    kept.remember([summary("a", OLD)]);
    await client.query({
      queryKey: overviewKey,
      queryFn: () => ({ firstRows: [summary("a", NEW)] }),
    });
    expect(
      client.getQueryData<{ firstRows: DeviceSummary[] }>(overviewKey)?.firstRows[0]?.sentAt,
    ).toBe(NEW);
    kept.stop();
  });

  it("asks for a resync each time a whole list arrives from the server", async () => {
    const client = new QueryClient();
    let lists = 0;
    const kept = keepShownHeartbeats(client, { devices: devicesKey, overview: overviewKey }, () => {
      lists += 1;
    });
    await client.query({ queryKey: devicesKey, queryFn: () => ({ devices: [] }) });
    client.setQueryData(devicesKey, { devices: [summary("a", NEW)] });
    expect(lists).toBe(1);
    kept.stop();
  });

  it("leaves the feed's own writes alone", () => {
    const client = new QueryClient();
    const kept = keepShownHeartbeats(client, { devices: devicesKey, overview: overviewKey });
    kept.remember([summary("a", NEW)]);
    client.setQueryData(devicesKey, { devices: [summary("a", OLD)] });
    expect(client.getQueryData<{ devices: DeviceSummary[] }>(devicesKey)?.devices[0]?.sentAt).toBe(
      OLD,
    );
    kept.stop();
  });
});
