"use client";
// Mounts the live feed once for the signed-in layout, pushes heartbeats into the
// fleet queries with setQueryData, and shows the connection state in words.
// After a gap (and once the subscription is first up) only what changed on the
// server since its last answer is re-read (fleet.changes), never the whole
// fleet: at 50 000 devices a full re-read stalls the page for seconds, and the
// server's view, read before a heartbeat the feed already showed, must not undo it.
import { useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  useContext,
  useEffect,
  useState,
  type ReactElement,
  type ReactNode,
} from "react";
import {
  deviceDetail,
  deviceSummary,
  mergeDevices,
  replaceKnown,
  type ReceivedHeartbeat,
} from "../fleet/device-summary";
import { useTRPC } from "../trpc/react";
import { keepShownHeartbeats } from "./keep-shown";
import { startLiveFeed, type LiveState } from "./live-feed";

/**
 * How far before the server's last answer a resync reaches back: a heartbeat
 * that was on its way into the server's cache when it answered is not missed.
 */
const RESYNC_OVERLAP_MS = 2000;

const LiveStateContext = createContext<LiveState>("connecting");

export const useLiveState = (): LiveState => useContext(LiveStateContext);

export function LiveUpdates({ children }: { children: ReactNode }): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    // Set once the feed is subscribed: from then on, a list that finishes
    // loading is followed by a resync of what changed while it loaded.
    let subscribed = false;
    const kept = keepShownHeartbeats(
      queryClient,
      { devices: trpc.fleet.devices.queryKey(), overview: trpc.fleet.overview.queryKey() },
      () => {
        if (subscribed) resyncSoon();
      },
    );
    const apply = (heartbeats: ReceivedHeartbeat[]): void => {
      const summaries = heartbeats.map(deviceSummary);
      kept.remember(summaries);
      queryClient.setQueryData(trpc.fleet.devices.queryKey(), (current) =>
        current ? { ...current, devices: mergeDevices(current.devices, summaries) } : current,
      );
      // The fleet page's first screenful, shown until the whole list arrives.
      queryClient.setQueryData(trpc.fleet.overview.queryKey(), (current) =>
        current ? { ...current, firstRows: replaceKnown(current.firstRows, summaries) } : current,
      );
      for (const heartbeat of heartbeats) {
        queryClient.setQueryData(
          trpc.fleet.device.queryKey({ deviceId: heartbeat.status.deviceId }),
          (current) => (current ? { ...current, device: deviceDetail(heartbeat) } : current),
        );
      }
    };
    const resync = async (): Promise<void> => {
      const listKey = trpc.fleet.devices.queryKey();
      const asOfMs = queryClient.getQueryData(listKey)?.asOfMs;
      // Device pages hold one device each: re-reading them is cheap.
      void queryClient.invalidateQueries({ queryKey: trpc.fleet.device.pathKey() });
      // No list yet: when it loads, it is newer than anything missed.
      if (asOfMs === undefined) return;
      const changed = await queryClient.query({
        ...trpc.fleet.changes.queryOptions({ sinceMs: asOfMs - RESYNC_OVERLAP_MS }),
        staleTime: 0,
      });
      queryClient.setQueryData(listKey, (current) =>
        current
          ? {
              ...current,
              asOfMs: Math.max(current.asOfMs, changed.asOfMs),
              devices: mergeDevices(current.devices, changed.devices, { onlyNewer: true }),
            }
          : current,
      );
    };
    function resyncSoon(): void {
      resync().catch(() => {
        // Could not reach the server: re-read the list when it next can.
        void queryClient.invalidateQueries({ queryKey: trpc.fleet.devices.queryKey() });
      });
    }
    const stopFeed = startLiveFeed({
      onState: setState,
      onHeartbeats: apply,
      // Heartbeats sent while the connection was away are re-read from the server.
      onResync: () => {
        subscribed = true;
        resyncSoon();
      },
      onUnauthorized: () => {
        window.location.assign(
          `/api/auth/login?returnTo=${encodeURIComponent(window.location.pathname)}`,
        );
      },
    });
    return () => {
      stopFeed();
      kept.stop();
    };
  }, [queryClient, trpc]);

  return <LiveStateContext value={state}>{children}</LiveStateContext>;
}

const labels: Record<LiveState, string> = {
  connecting: "Connecting to live updates…",
  live: "Live",
  disconnected: "Live updates disconnected — retrying",
};

export function LiveIndicator(): ReactElement {
  const state = useLiveState();
  return (
    <p
      role="status"
      data-live-state={state}
      className={
        state === "live"
          ? "text-xs text-emerald-700"
          : state === "disconnected"
            ? "rounded bg-amber-100 px-2 py-1 text-xs font-medium text-amber-900"
            : "text-xs text-slate-500"
      }
    >
      {state === "live" ? "● " : ""}
      {labels[state]}
    </p>
  );
}
