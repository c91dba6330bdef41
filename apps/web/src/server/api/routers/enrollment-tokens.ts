// Enrollment tokens ("Add device"), always as the signed-in user: RBAC on the
// EnrollmentToken CRs decides who may create, list and revoke them. create
// answers the token text and its `iot-agent enroll` command once.
import type { TRPCRouterRecord } from "@trpc/server";
import { createEnrollmentTokenInput, enrollmentTokenRefInput } from "../../../devices/inputs";
import { protectedProcedure } from "../trpc";

export const enrollmentTokensRouter = {
  list: protectedProcedure.query(({ ctx }) => ctx.services.enrollmentTokensAs(ctx.user).list()),
  create: protectedProcedure
    .input(createEnrollmentTokenInput)
    .mutation(({ ctx, input }) => ctx.services.enrollmentTokensAs(ctx.user).create(input)),
  revoke: protectedProcedure.input(enrollmentTokenRefInput).mutation(async ({ ctx, input }) => {
    await ctx.services.enrollmentTokensAs(ctx.user).revoke(input.name);
    return { revoked: input.name };
  }),
} satisfies TRPCRouterRecord;
