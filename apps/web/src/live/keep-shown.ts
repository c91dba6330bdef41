// The newest heartbeat the live feed showed of each device, laid back over any
// fleet list the server answers afterwards: a list read before some heartbeat
// reached the server must not step the page back in time (each device's own
// heartbeat time decides, see isNewer).
import { hashKey, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { mergeDevices, replaceKnown, type DeviceSummary } from "../fleet/device-summary";

interface ListData {
  devices: DeviceSummary[];
}
interface OverviewData {
  firstRows: DeviceSummary[];
}

export interface ShownHeartbeats {
  /** Called with every batch the feed puts on screen. */
  remember(summaries: readonly DeviceSummary[]): void;
  stop(): void;
}

export function keepShownHeartbeats(
  client: QueryClient,
  keys: { devices: QueryKey; overview: QueryKey },
  /** After a whole list arrived from the server (e.g. to re-read what changed while it loaded). */
  onList: () => void = () => undefined,
): ShownHeartbeats {
  const shown = new Map<string, DeviceSummary>();
  const devicesHash = hashKey(keys.devices);
  const overviewHash = hashKey(keys.overview);
  const stop = client.getQueryCache().subscribe((event) => {
    // Only answers from the server: setQueryData (the feed's own writes) is marked manual.
    if (event.type !== "updated" || event.action.type !== "success" || event.action.manual) return;
    if (event.query.queryHash === devicesHash) {
      if (shown.size > 0)
        client.setQueryData<ListData>(keys.devices, (current) =>
          current
            ? {
                ...current,
                devices: mergeDevices(current.devices, shown.values(), { onlyNewer: true }),
              }
            : current,
        );
      onList();
      return;
    }
    if (shown.size > 0 && event.query.queryHash === overviewHash) {
      client.setQueryData<OverviewData>(keys.overview, (current) =>
        current
          ? {
              ...current,
              firstRows: replaceKnown(current.firstRows, [...shown.values()], { onlyNewer: true }),
            }
          : current,
      );
    }
  });
  return {
    remember(summaries) {
      for (const summary of summaries) shown.set(summary.deviceId, summary);
    },
    stop,
  };
}
