"use client";
// Open deployment pages follow their CRs by push: the first view comes from the
// server (prefetched query), then every change arrives over a tRPC subscription
// (server-sent events, fed by a Kubernetes watch made as the signed-in user) and
// is written into the TanStack Query cache with setQueryData. No polling.
import type { DeploymentResource } from "@fleet/contracts";
import { useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import {
  applyPageToList,
  applyToList,
  followOne,
  type DeploymentId,
} from "../../deployments/changes";
import { useTRPC } from "../../trpc/react";

/** Whether pushes are arriving; an error says why they stopped. */
export interface PushState {
  status: "connecting" | "live" | "error";
  error?: string | undefined;
}

export interface LiveDeployment {
  /** The CR as last seen (still the last one seen after a deletion). */
  deployment: DeploymentResource;
  deleted: boolean;
  push: PushState;
}

export function pushState(status: string, error: { message: string } | null): PushState {
  if (status === "error") return { status: "error", error: error?.message };
  return { status: status === "pending" ? "live" : "connecting" };
}

export function useLiveDeployment(id: DeploymentId): LiveDeployment {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: deployment } = useSuspenseQuery(trpc.deployments.byName.queryOptions(id));
  const [deleted, setDeleted] = useState(false);
  const subscription = useSubscription(
    trpc.deployments.watch.subscriptionOptions(id, {
      onData: (change) => {
        const page = followOne(change, id);
        if (page === undefined) return;
        setDeleted(page.state === "deleted");
        if (page.state === "present") {
          queryClient.setQueryData(trpc.deployments.byName.queryKey(id), page.deployment);
        } else {
          // The next visit reads the API server again instead of this last copy.
          void queryClient.invalidateQueries({
            queryKey: trpc.deployments.byName.queryKey(id),
            refetchType: "none",
          });
        }
        queryClient.setQueryData(trpc.deployments.list.queryKey(), (list) =>
          list ? applyPageToList(list, id, page) : list,
        );
      },
    }),
  );
  return { deployment, deleted, push: pushState(subscription.status, subscription.error) };
}

export function useLiveDeploymentList(): { deployments: DeploymentResource[]; push: PushState } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: deployments } = useSuspenseQuery(trpc.deployments.list.queryOptions());
  const subscription = useSubscription(
    trpc.deployments.watchAll.subscriptionOptions(undefined, {
      onData: (change) => {
        queryClient.setQueryData(trpc.deployments.list.queryKey(), (list) =>
          applyToList(list ?? [], change),
        );
      },
    }),
  );
  return { deployments, push: pushState(subscription.status, subscription.error) };
}
