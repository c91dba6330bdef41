"use client";
// Mounts the live feed once for the signed-in layout, pushes heartbeats into the
// fleet queries with setQueryData, and shows the connection state in words.
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
  type ReceivedHeartbeat,
} from "../fleet/device-summary";
import { useTRPC } from "../trpc/react";
import { startLiveFeed, type LiveState } from "./live-feed";

const LiveStateContext = createContext<LiveState>("connecting");

export const useLiveState = (): LiveState => useContext(LiveStateContext);

export function LiveUpdates({ children }: { children: ReactNode }): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    const apply = (heartbeats: ReceivedHeartbeat[]): void => {
      queryClient.setQueryData(trpc.fleet.devices.queryKey(), (current) =>
        current
          ? { ...current, devices: mergeDevices(current.devices, heartbeats.map(deviceSummary)) }
          : current,
      );
      for (const heartbeat of heartbeats) {
        queryClient.setQueryData(
          trpc.fleet.device.queryKey({ deviceId: heartbeat.status.deviceId }),
          (current) => (current ? { ...current, device: deviceDetail(heartbeat) } : current),
        );
      }
    };
    return startLiveFeed({
      onState: setState,
      onHeartbeats: apply,
      // Heartbeats sent while the connection was away are re-read from the server.
      onResync: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.fleet.pathKey() });
      },
      onUnauthorized: () => {
        window.location.assign(
          `/api/auth/login?returnTo=${encodeURIComponent(window.location.pathname)}`,
        );
      },
    });
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
