"use client";
// The whole fleet list for the fleet page, read in pages of device ids rather
// than as one response: at 50 000 devices a single 8 MB answer holds the main
// thread (parse, then merge) long enough to keep a live heartbeat off the
// screen for a second; pages of a few thousand leave room between them. The
// result sits under fleet.devices, the key every other page and the live feed use.
import { useQuery } from "@tanstack/react-query";
import type { DeviceSummary } from "../../fleet/device-summary";
import { useTRPC, useTRPCClient } from "../../trpc/react";

/** Devices per request: small enough to parse in a few milliseconds. */
export const FLEET_PAGE_SIZE = 5000;

export interface WholeFleet {
  heartbeatPeriodMs: number;
  /** The server's clock before the first page was read: where a resync picks up. */
  asOfMs: number;
  devices: DeviceSummary[];
}

export function useWholeFleet(): WholeFleet | undefined {
  const trpc = useTRPC();
  const client = useTRPCClient();
  return useQuery({
    queryKey: trpc.fleet.devices.queryKey(),
    queryFn: async ({ signal }): Promise<WholeFleet> => {
      const first = await client.fleet.devicesPage.query({ limit: FLEET_PAGE_SIZE }, { signal });
      const devices = [...first.devices];
      for (let after = first.next; after !== undefined;) {
        const page = await client.fleet.devicesPage.query(
          { after, limit: FLEET_PAGE_SIZE },
          { signal },
        );
        for (const device of page.devices) devices.push(device);
        after = page.next;
      }
      return { heartbeatPeriodMs: first.heartbeatPeriodMs, asOfMs: first.asOfMs, devices };
    },
  }).data;
}
