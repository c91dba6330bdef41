// Device CRs and their IdP identities, always as the signed-in user: RBAC on
// the Device CRs decides who may list, watch, approve, label, add, disable,
// enable, rotate and remove. add and rotateKey answer the new credential file
// once; the browser downloads it and nothing keeps it.
import type { TRPCRouterRecord } from "@trpc/server";
import {
  addDeviceInput,
  approveDeviceInput,
  deviceRefInput,
  setDeviceLabelsInput,
} from "../../../devices/inputs";
import { protectedProcedure } from "../trpc";

export const devicesRouter = {
  list: protectedProcedure.query(async ({ ctx }) => ({
    devices: await ctx.services.devicesAs(ctx.user).list(),
    /** Whether this dashboard can provision at all (an IdP admin key is configured). */
    provisioning: ctx.services.deviceProvisioning,
    /** Whether this dashboard knows where devices enroll (ENROLLMENT_URL): "Add device" works. */
    enrollment: ctx.services.enrollment,
  })),
  /** Server-sent events: every device now, then each change (a device enrolling appears live). */
  watch: protectedProcedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.services.devicesAs(ctx.user).watch(signal ?? new AbortController().signal);
  }),
  approve: protectedProcedure
    .input(approveDeviceInput)
    .mutation(({ ctx, input }) => ctx.services.devicesAs(ctx.user).approve(input)),
  setLabels: protectedProcedure
    .input(setDeviceLabelsInput)
    .mutation(({ ctx, input }) => ctx.services.devicesAs(ctx.user).setLabels(input)),
  add: protectedProcedure.input(addDeviceInput).mutation(async ({ ctx, input }) => ({
    credentials: await ctx.services.devicesAs(ctx.user).add(input),
  })),
  disable: protectedProcedure.input(deviceRefInput).mutation(async ({ ctx, input }) => {
    await ctx.services.devicesAs(ctx.user).disable(input.id);
    return { disabled: input.id };
  }),
  enable: protectedProcedure.input(deviceRefInput).mutation(async ({ ctx, input }) => {
    await ctx.services.devicesAs(ctx.user).enable(input.id);
    return { enabled: input.id };
  }),
  rotateKey: protectedProcedure.input(deviceRefInput).mutation(async ({ ctx, input }) => ({
    credentials: await ctx.services.devicesAs(ctx.user).rotateKey(input.id),
  })),
  remove: protectedProcedure.input(deviceRefInput).mutation(async ({ ctx, input }) => {
    await ctx.services.devicesAs(ctx.user).remove(input.id);
    return { removed: input.id };
  }),
} satisfies TRPCRouterRecord;
