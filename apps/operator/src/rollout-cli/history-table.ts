// `rollout history` as a kubectl-style table: one row per stored revision
// (its ControllerRevision): number, score hash, when it was made, the images
// of its score, and which one is the stable revision and which the target
// (both from status.rollout). Pure: revisions in, text out.
import type { RolloutStatus } from "@fleet/contracts";
import type { StoredRevision } from "@fleet/kube";
import { plainTable } from "../cli/table.js";

const HEAD = ["REVISION", "HASH", "CREATED", "IMAGES", "ROLE"];

function imagesOf(revision: StoredRevision): string {
  if (revision.data === undefined) return `? (${revision.problem ?? "no data"})`;
  return revision.data.score.PodmanV0.services.map((service) => service.image).join(",");
}

function roleOf(revision: number, rollout: RolloutStatus | undefined): string {
  const roles: string[] = [];
  if (rollout?.stableRevision === revision) roles.push("stable");
  if (rollout?.revision === revision) roles.push(`target (${rollout.phase})`);
  return roles.length === 0 ? "-" : roles.join(", ");
}

/** The table's text with a trailing newline; a sentence when no revision is stored. */
export function historyTable(
  revisions: readonly StoredRevision[],
  rollout: RolloutStatus | undefined,
): string {
  if (revisions.length === 0)
    return "no revisions stored (the operator records one per distinct score)\n";
  return plainTable(
    HEAD,
    [...revisions]
      .sort((a, b) => a.revision - b.revision)
      .map((revision) => [
        String(revision.revision),
        revision.hash ?? "-",
        revision.createdAt ?? "-",
        imagesOf(revision),
        roleOf(revision.revision, rollout),
      ]),
  );
}
