// Every use of an EnrollmentToken, counted and recorded in its status with an
// optimistic-concurrency patch (the resourceVersion that was read): of two
// devices racing for the last use, exactly one patch applies; the other reads
// the token again and finds it used up. Refusals by holders of the secret are
// recorded too (newest first, the last ENROLLMENT_RECENT_USES_LIMIT kept).
import {
  ENROLLMENT_RECENT_USES_LIMIT,
  clipMessage,
  enrollmentTokenResourceSchema,
  type EnrollmentTokenResource,
  type EnrollmentTokenStatus,
  type EnrollmentUse,
} from "@fleet/contracts";
import { isConflict, type EnrollmentTokenClient } from "@fleet/kube";
import { setTimeout as delay } from "node:timers/promises";
import { EnrollmentRefusal } from "./refusal.js";
import { INVALID_TOKEN, tokenVerdict } from "./token-verdict.js";

/** Conflicting writers in a row before the caller is asked to try again. */
const MAX_ATTEMPTS = 12;

/** The status after one more use (accepted or refused), as a whole (a merge patch replaces arrays). */
export function withUse(
  status: EnrollmentTokenStatus | undefined,
  use: EnrollmentUse,
): EnrollmentTokenStatus {
  const uses = status?.uses ?? 0;
  return {
    uses: use.result === "Accepted" ? uses + 1 : uses,
    ...(status?.lastUsedAt === undefined ? {} : { lastUsedAt: status.lastUsedAt }),
    ...(use.result === "Accepted" ? { lastUsedAt: use.at } : {}),
    recentUses: [use, ...(status?.recentUses ?? [])].slice(0, ENROLLMENT_RECENT_USES_LIMIT),
  };
}

/** The status once an accepted use is given back (the Device could not be created). */
export function withUseReturned(
  status: EnrollmentTokenStatus | undefined,
  refusal: EnrollmentUse,
): EnrollmentTokenStatus {
  const next = withUse(status, refusal);
  return { ...next, uses: Math.max(0, next.uses - 1) };
}

export type TokenRead = EnrollmentTokenResource | undefined;

export interface TokenUses {
  /**
   * Checks the token and, if it admits the device, counts the use. Resolves
   * with the token as it was read; throws an EnrollmentRefusal otherwise
   * (recorded in the token's status when the caller held the secret).
   */
  claim(
    name: string,
    secret: string,
    device: string,
    now: () => Date,
  ): Promise<EnrollmentTokenResource>;
  /** Gives back a use claimed a moment ago (the Device could not be created), recording why. */
  giveBack(name: string, device: string, reason: string, now: Date): Promise<void>;
}

/** What one read of the token leads to: a status to write (if any), then the outcome. */
interface Step<T> {
  write?: EnrollmentTokenStatus;
  outcome: () => T;
}

function parseToken(object: unknown): TokenRead {
  const parsed = enrollmentTokenResourceSchema.safeParse(object);
  return parsed.success ? parsed.data : undefined;
}

const useOf = (
  device: string,
  result: EnrollmentUse["result"],
  at: Date,
  reason?: string,
): EnrollmentUse => ({
  at: at.toISOString(),
  device,
  result,
  ...(reason === undefined ? {} : { reason: clipMessage(reason) }),
});

export function tokenUses(client: EnrollmentTokenClient): TokenUses {
  /** Reads the token, writes the step's status on exactly that version, and reads again on a conflict. */
  async function withToken<T>(name: string, step: (token: TokenRead) => Step<T>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const token = parseToken(await client.find(name));
      const { write, outcome } = step(token);
      if (token === undefined || write === undefined) return outcome();
      try {
        await client.patchStatus(name, write, {
          resourceVersion: token.metadata.resourceVersion ?? "",
        });
        return outcome();
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Another device's use got in first: spread the retries of a crowd.
        await delay(Math.random() * 20 * attempt);
      }
    }
    throw new EnrollmentRefusal(
      503,
      `enrollment token "${name}" is being used by many devices at once; try again in a moment`,
    );
  }

  return {
    claim: (name, secret, device, now) =>
      withToken(name, (token) => {
        if (token === undefined)
          return {
            outcome: () => {
              throw new EnrollmentRefusal(401, INVALID_TOKEN);
            },
          };
        const at = now();
        const verdict = tokenVerdict(token, secret, at);
        if (verdict.admitted)
          return {
            write: withUse(token.status, useOf(device, "Accepted", at)),
            outcome: () => token,
          };
        return {
          // Only a holder of the secret leaves a trace in the CR; a wrong secret is only logged.
          ...(verdict.recorded
            ? { write: withUse(token.status, useOf(device, "Refused", at, verdict.reason)) }
            : {}),
          outcome: () => {
            throw new EnrollmentRefusal(verdict.status, verdict.reason);
          },
        };
      }),
    giveBack: (name, device, reason, now) =>
      withToken(name, (token) => ({
        ...(token === undefined
          ? {}
          : { write: withUseReturned(token.status, useOf(device, "Refused", now, reason)) }),
        outcome: () => undefined,
      })),
  };
}
