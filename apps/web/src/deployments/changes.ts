// CR changes pushed to open pages (tRPC subscriptions over server-sent events),
// and how each one lands in the TanStack Query cache. Pure: the server produces
// these values, the browser folds them in.
import type { DeploymentResource } from "@fleet/contracts";

export type Change<T> =
  /** Everything there is now: sent first, and again after the server relists. */
  { type: "snapshot"; items: T[] } | { type: "upsert"; item: T } | { type: "deleted"; item: T };

export type DeploymentChange = Change<DeploymentResource>;

export interface DeploymentId {
  namespace: string;
  name: string;
}

const idOf = (d: DeploymentResource): string => `${d.metadata.namespace}/${d.metadata.name}`;

const isOne = (d: DeploymentResource, id: DeploymentId): boolean =>
  d.metadata.namespace === id.namespace && d.metadata.name === id.name;

/** A list kept sorted by `idOf` (as the server lists it) after one change. */
export function applyChange<T>(
  list: readonly T[],
  change: Change<T>,
  idOf: (item: T) => string,
): T[] {
  const byId = (a: T, b: T): number => idOf(a).localeCompare(idOf(b));
  switch (change.type) {
    case "snapshot":
      return [...change.items].sort(byId);
    case "deleted":
      return list.filter((item) => idOf(item) !== idOf(change.item));
    case "upsert": {
      const rest = list.filter((item) => idOf(item) !== idOf(change.item));
      return [...rest, change.item].sort(byId);
    }
  }
}

/** The deployments list (sorted by namespace/name, as the server lists it) after one change. */
export function applyToList(
  list: readonly DeploymentResource[],
  change: DeploymentChange,
): DeploymentResource[] {
  return applyChange(list, change, idOf);
}

/** What an open deployment page shows of its CR. */
export type PageDeployment =
  { state: "present"; deployment: DeploymentResource } | { state: "deleted" };

/** One change seen from a deployment page; undefined when it is about another deployment. */
export function followOne(change: DeploymentChange, id: DeploymentId): PageDeployment | undefined {
  if (change.type === "snapshot") {
    const found = change.items.find((d) => isOne(d, id));
    return found ? { state: "present", deployment: found } : { state: "deleted" };
  }
  if (!isOne(change.item, id)) return undefined;
  return change.type === "deleted"
    ? { state: "deleted" }
    : { state: "present", deployment: change.item };
}

/** The list after a deployment page learnt something about its own CR. */
export function applyPageToList(
  list: readonly DeploymentResource[],
  id: DeploymentId,
  page: PageDeployment,
): DeploymentResource[] {
  const rest = list.filter((d) => !isOne(d, id));
  if (page.state === "deleted") return rest;
  return applyToList(rest, { type: "upsert", item: page.deployment });
}
