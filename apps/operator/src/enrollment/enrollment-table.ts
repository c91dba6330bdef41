// `enrollment list` as a kubectl-style table. Never the secret (it is not
// stored) nor its hash: what a deployer needs to decide whether a token is
// still good, and to revoke it.
import type { EnrollmentTokenSummary } from "@fleet/provisioning";
import { labelsText, plainTable } from "../cli/table.js";

const HEAD = ["NAME", "STATE", "USES", "EXPIRES", "AUTO-APPROVE", "REVOKED", "LABELS"];

/** The table's text with a trailing newline; a sentence when there is no token. */
export function enrollmentTable(tokens: readonly EnrollmentTokenSummary[]): string {
  if (tokens.length === 0) return "no enrollment tokens\n";
  return plainTable(
    HEAD,
    tokens.map((token) => [
      token.name,
      token.state,
      `${String(token.uses)}/${String(token.maxUses)}`,
      token.expiresAt ?? "never",
      token.autoApprove ? "yes" : "no",
      token.revoked ? "yes" : "no",
      labelsText(token.labels),
    ]),
  );
}
