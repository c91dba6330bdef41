"use client";
// The Devices page follows the Device CRs by push, like the deployment pages:
// the first view is the prefetched list, then every change (a device that just
// enrolled, an approval, a label edit, iot-identity's phase) arrives over a
// tRPC subscription fed by a Kubernetes watch made as the signed-in user, and
// is folded into the TanStack Query cache. No polling, no reload.
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { applyChange } from "../../deployments/changes";
import type { RegisteredDevice } from "../../devices/device-rows";
import { useTRPC } from "../../trpc/react";
import { pushState, type PushState } from "../deployments/use-live-deployments";

export interface LiveDevices {
  devices: RegisteredDevice[];
  /** Whether this dashboard may provision devices with credential files (IdP admin key). */
  provisioning: boolean;
  /** Whether it knows where devices enroll (ENROLLMENT_URL). */
  enrollment: boolean;
  push: PushState;
}

const idOf = (device: RegisteredDevice): string => device.id;

export function useLiveDevices(): LiveDevices {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.devices.list.queryOptions());
  const subscription = useSubscription(
    trpc.devices.watch.subscriptionOptions(undefined, {
      onData: (change) => {
        queryClient.setQueryData(trpc.devices.list.queryKey(), (current) =>
          current ? { ...current, devices: applyChange(current.devices, change, idOf) } : current,
        );
      },
    }),
  );
  return {
    devices: data.devices,
    provisioning: data.provisioning,
    enrollment: data.enrollment,
    push: pushState(subscription.status, subscription.error),
  };
}
