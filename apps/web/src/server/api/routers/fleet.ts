// The fleet as the agents report it (agent-status KV), plus devices that
// deployments target but that never reported (shown offline, never healthy).
import type { TRPCRouterRecord } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { deviceIdSchema } from "@fleet/contracts";
import {
  deviceDetail,
  deviceSummary,
  mergeDevices,
  type DeviceSummary,
} from "../../../fleet/device-summary";
import { protectedProcedure } from "../trpc";

export const fleetRouter = {
  devices: protectedProcedure.query(async ({ ctx }) => {
    const [statuses, deployments] = await Promise.all([
      ctx.services.agentStatus.snapshot(),
      ctx.services.deploymentsAs(ctx.user).list(),
    ]);
    const reported = statuses.map(deviceSummary);
    const known = new Set(reported.map((d) => d.deviceId));
    const unreported: DeviceSummary[] = [
      ...new Set(deployments.flatMap((d) => d.spec.targetDevices).filter((id) => !known.has(id))),
    ].map((deviceId) => ({ deviceId, deployments: [] }));
    return {
      heartbeatPeriodMs: ctx.services.heartbeatPeriodMs,
      devices: mergeDevices(reported, unreported),
    };
  }),
  device: protectedProcedure
    .input(z.object({ deviceId: deviceIdSchema }))
    .query(async ({ ctx, input }) => {
      const status = await ctx.services.agentStatus.get(input.deviceId);
      if (!status) {
        throw new TRPCError({
          code: "NOT_FOUND",
          message: `device "${input.deviceId}" has never reported a heartbeat`,
        });
      }
      return { heartbeatPeriodMs: ctx.services.heartbeatPeriodMs, device: deviceDetail(status) };
    }),
} satisfies TRPCRouterRecord;
