// Whether an EnrollmentToken admits one more device now: the secret matches
// its hash (timing-safe), and it is not revoked, not expired and not used up.
// Pure, so every refusal and its wording is tested without a server. The
// messages name the token (its name is not secret) and never the secret.
import type { EnrollmentTokenResource } from "@fleet/contracts";
import { enrollmentSecretMatches } from "@fleet/provisioning";

export type TokenVerdict =
  | { admitted: true }
  /** `recorded`: the caller held the secret, so the refusal goes into the token's status. */
  | { admitted: false; status: 401 | 403; reason: string; recorded: boolean };

/** One answer for an unknown name and a wrong secret, so names cannot be probed. */
export const INVALID_TOKEN = "the enrollment token is not valid (unknown, or its secret is wrong)";

export function tokenVerdict(
  token: EnrollmentTokenResource,
  secret: string,
  now: Date,
): TokenVerdict {
  if (!enrollmentSecretMatches(secret, token.spec.secretHash))
    return { admitted: false, status: 401, reason: INVALID_TOKEN, recorded: false };
  const name = token.metadata.name;
  const refuse = (reason: string): TokenVerdict => ({
    admitted: false,
    status: 403,
    reason,
    recorded: true,
  });
  if (token.spec.revoked) return refuse(`enrollment token "${name}" has been revoked`);
  const expiresAt = token.spec.expiresAt;
  if (expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime())
    return refuse(`enrollment token "${name}" expired at ${expiresAt}`);
  const uses = token.status?.uses ?? 0;
  const { maxUses } = token.spec;
  if (uses >= maxUses)
    return refuse(
      `enrollment token "${name}" has been used up (${uses} of ${maxUses} ${maxUses === 1 ? "use" : "uses"})`,
    );
  return { admitted: true };
}
