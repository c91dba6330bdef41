// Enrollment tokens as one signed-in user (EnrollmentToken CRs with the
// user's own token, so RBAC decides): "Add device" creates one through
// @fleet/provisioning and answers its text once with the exact
// `iot-agent enroll` command; nothing here keeps or logs the text.
import type { Configuration } from "@kubernetes/client-node";
import { EnrollmentTokenClient } from "@fleet/kube";
import {
  createEnrollmentToken,
  enrollCommandFor,
  listEnrollmentTokens,
  revokeEnrollmentToken,
  type CreatedEnrollmentToken,
  type EnrollmentTokenSummary,
} from "@fleet/provisioning";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { createEnrollmentTokenInput } from "../../devices/inputs";
import { asUser } from "./as-user";
import type { EnrollmentSettings } from "./enrollment-settings";

export interface NewEnrollmentToken extends CreatedEnrollmentToken {
  /** The command to run on the device, with the token in it. */
  command: string;
}

export interface EnrollmentTokensApi {
  create(input: z.output<typeof createEnrollmentTokenInput>): Promise<NewEnrollmentToken>;
  list(): Promise<EnrollmentTokenSummary[]>;
  revoke(name: string): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;

export function enrollmentTokensApi(
  configuration: Configuration,
  settings: EnrollmentSettings | undefined,
): EnrollmentTokensApi {
  const tokens = EnrollmentTokenClient.forConfiguration(configuration);
  return {
    async create(input) {
      if (settings === undefined) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "Enrollment is not configured on this dashboard (ENROLLMENT_URL)",
        });
      }
      const created = await asUser({ verb: "create", kind: "enrollment token" }, () =>
        createEnrollmentToken(tokens, {
          labels: input.labels,
          ...(input.expiresInHours === undefined
            ? { noExpiry: true }
            : { ttlMs: input.expiresInHours * HOUR_MS }),
          maxUses: input.maxUses,
          autoApprove: input.autoApprove,
          ...(input.description === undefined ? {} : { description: input.description }),
        }),
      );
      const command = enrollCommandFor(created, settings.serverUrl, {
        ...(settings.serverCaFile === undefined ? {} : { serverCaFile: settings.serverCaFile }),
      });
      return { ...created, command };
    },
    list: () =>
      asUser({ verb: "list", kind: "enrollment token" }, () => listEnrollmentTokens(tokens)),
    revoke: (name) =>
      asUser({ verb: "update", kind: "enrollment token", name }, () =>
        revokeEnrollmentToken(tokens, name),
      ),
  };
}
