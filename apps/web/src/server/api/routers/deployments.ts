// Deployment CRs, always as the signed-in user: Kubernetes RBAC decides writes.
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { namespaceNameSchema, resourceNameSchema } from "@fleet/contracts";
import { createDeploymentInput, setImageInput } from "../../../deployments/inputs";
import { protectedProcedure } from "../trpc";

const ref = z.object({ namespace: namespaceNameSchema, name: resourceNameSchema });

export const deploymentsRouter = {
  list: protectedProcedure.query(({ ctx }) => ctx.services.deploymentsAs(ctx.user).list()),
  byName: protectedProcedure
    .input(ref)
    .query(({ ctx, input }) =>
      ctx.services.deploymentsAs(ctx.user).get(input.namespace, input.name),
    ),
  create: protectedProcedure
    .input(createDeploymentInput)
    .mutation(({ ctx, input }) => ctx.services.deploymentsAs(ctx.user).create(input)),
  setImage: protectedProcedure
    .input(setImageInput)
    .mutation(({ ctx, input }) => ctx.services.deploymentsAs(ctx.user).setImage(input)),
  delete: protectedProcedure.input(ref).mutation(async ({ ctx, input }) => {
    await ctx.services.deploymentsAs(ctx.user).delete(input.namespace, input.name);
    return { deleted: input };
  }),
} satisfies TRPCRouterRecord;
