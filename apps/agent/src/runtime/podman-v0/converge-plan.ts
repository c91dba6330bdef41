// What converging a key's containers to a desired score takes, decided from
// their labels alone: which containers are current and stay (their workload
// hash matches, whatever the entry's revision), which are stale and go, and
// which services need a container.
import { LABELS, type PodmanService } from "@fleet/contracts";
import type { ContainerSummary } from "../../podman/containers.js";
import type { DesiredRun } from "../score-runtime.js";

export interface ConvergePlan {
  current: ContainerSummary[];
  stale: ContainerSummary[];
  missing: PodmanService[];
}

const serviceOf = (c: ContainerSummary): string | undefined => c.labels[LABELS.service];

export function convergePlan(
  owned: readonly ContainerSummary[],
  services: readonly PodmanService[],
  desired: Pick<DesiredRun, "hash" | "bytesHash">,
): ConvergePlan {
  const marks = new Set([desired.hash, desired.bytesHash]);
  const current = owned.filter(
    (c) =>
      marks.has(c.labels[LABELS.payloadHash] ?? "") &&
      services.some((s) => s.name === serviceOf(c)),
  );
  const stale = owned.filter((c) => !current.includes(c));
  const missing = services.filter((s) => !current.some((c) => serviceOf(c) === s.name));
  return { current, stale, missing };
}
