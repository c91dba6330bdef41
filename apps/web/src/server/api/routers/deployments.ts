// Deployment CRs, always as the signed-in user: Kubernetes RBAC decides reads,
// writes and watches. Open pages follow the CRs through the watch subscriptions.
import type { TRPCRouterRecord } from "@trpc/server";
import {
  approveBatchInput,
  createDeploymentInput,
  deploymentRefInput as ref,
  pauseRolloutInput,
  rollbackInput,
  setImageInput,
} from "../../../deployments/inputs";
import { protectedProcedure } from "../trpc";

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
  /** Lets batches up to `batch` of `revision` start (or accepts a halted batch). */
  approveBatch: protectedProcedure
    .input(approveBatchInput)
    .mutation(({ ctx, input: { namespace, name, revision, batch } }) =>
      ctx.services
        .deploymentsAs(ctx.user)
        .rollout(namespace, name, { action: "approve", revision, batch }),
    ),
  /** Puts every device back on the stable revision and stops rolling `revision` out. */
  rollback: protectedProcedure
    .input(rollbackInput)
    .mutation(({ ctx, input: { namespace, name, revision } }) =>
      ctx.services
        .deploymentsAs(ctx.user)
        .rollout(namespace, name, { action: "rollback", revision }),
    ),
  /** Pauses (no batch starts or is judged) or resumes the rollout: spec.rollout.paused. */
  pauseRollout: protectedProcedure
    .input(pauseRolloutInput)
    .mutation(({ ctx, input: { namespace, name, paused } }) =>
      ctx.services.deploymentsAs(ctx.user).rollout(namespace, name, { action: "pause", paused }),
    ),
  delete: protectedProcedure.input(ref).mutation(async ({ ctx, input }) => {
    await ctx.services.deploymentsAs(ctx.user).delete(input.namespace, input.name);
    return { deleted: input };
  }),
  /** Server-sent events: the deployment now (a snapshot of zero or one), then each change. */
  watch: protectedProcedure.input(ref).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.services
      .deploymentsAs(ctx.user)
      .watch(input.namespace, input.name, signal ?? new AbortController().signal);
  }),
  /** Server-sent events: every deployment now, then each change. */
  watchAll: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.services.deploymentsAs(ctx.user).watchAll(signal ?? new AbortController().signal);
  }),
} satisfies TRPCRouterRecord;
