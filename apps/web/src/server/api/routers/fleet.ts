// The fleet as the agents report it (agent-status KV), plus devices that
// deployments target but that never reported (shown offline, never healthy).
import type { TRPCRouterRecord } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  deviceIdSchema,
  isDeviceFresh,
  labelSelectorSchema,
  offlineAfterMs,
} from "@fleet/contracts";
import {
  deviceDetail,
  mergeDevices,
  sortedDevices,
  type DeviceSummary,
} from "../../../fleet/device-summary";
import { summaryOf } from "../../../fleet/summaries";
import { matchingIds, selectorPreview } from "../../../fleet/selector-matches";
import type { AgentStatusSource } from "../../nats/agent-status-cache";
import { protectedProcedure, type ProtectedContext } from "../trpc";

/** A selector as a Deployment carries it; the form and the fleet filter parse kubectl text into it. */
const selectorInput = z.object({ selector: labelSelectorSchema });

/** Rows the fleet page renders on the server: a screenful, whatever the fleet's size. */
export const OVERVIEW_ROWS = 50;
/** The most devices one page of the list carries (see devicesPage). */
export const DEVICES_PAGE_MAX = 5000;

/** Every device, sorted by id, with this server's clock before it was read (see `changes`). */
async function fleetList(
  ctx: ProtectedContext,
): Promise<{ asOfMs: number; devices: DeviceSummary[] }> {
  const [reported, deployments] = await Promise.all([
    reportedDevices(ctx.services.agentStatus),
    ctx.services.deploymentsAs(ctx.user).list(),
  ]);
  const unreported = [
    ...new Set(
      deployments
        .flatMap((d) => d.spec.targetDevices ?? [])
        .filter((id) => !reported.known.has(id)),
    ),
  ].map((deviceId): DeviceSummary => ({ deviceId, deployments: [] }));
  return {
    asOfMs: reported.asOfMs,
    devices:
      unreported.length === 0 ? reported.devices : mergeDevices(reported.devices, unreported),
  };
}

interface Reported {
  /** This server's clock just before the heartbeats were read. */
  asOfMs: number;
  /** Sorted by id; shared between requests, never mutated. */
  devices: DeviceSummary[];
  known: ReadonlySet<string>;
}

/** How long one sorted read of the heartbeats serves requests (the pages of one list load). */
const REPORTED_REUSE_MS = 1000;
const reportedBySource = new WeakMap<AgentStatusSource, Reported>();

/**
 * The devices that reported, sorted by id, reused for up to a second: a
 * 50 000-device list read in pages must not sort the whole fleet per page.
 * What changed meanwhile is after asOfMs, so the next resync reads it.
 */
async function reportedDevices(source: AgentStatusSource): Promise<Reported> {
  const cached = reportedBySource.get(source);
  if (cached && Date.now() - cached.asOfMs < REPORTED_REUSE_MS) return cached;
  // Taken first: a heartbeat received while the list is read is re-read by the next resync.
  const asOfMs = Date.now();
  const devices = sortedDevices((await source.snapshot()).map(summaryOf));
  const reported = { asOfMs, devices, known: new Set(devices.map((d) => d.deviceId)) };
  reportedBySource.set(source, reported);
  return reported;
}

/** The index of the first device whose id sorts after `id` (binary search of the sorted list). */
function firstAfter(devices: readonly DeviceSummary[], id: string): number {
  let low = 0;
  let high = devices.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((devices[middle]?.deviceId ?? "") <= id) low = middle + 1;
    else high = middle;
  }
  return low;
}

export const fleetRouter = {
  devices: protectedProcedure.query(async ({ ctx }) => ({
    heartbeatPeriodMs: ctx.services.heartbeatPeriodMs,
    ...(await fleetList(ctx)),
  })),
  /**
   * The list in pages by device id (`after` = the last id of the previous
   * page): the fleet page loads a large fleet this way, so no single response
   * holds the browser's main thread long enough to delay a heartbeat on screen.
   */
  devicesPage: protectedProcedure
    .input(
      z.object({
        after: deviceIdSchema.optional(),
        limit: z.number().int().min(1).max(DEVICES_PAGE_MAX),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { asOfMs, devices } = await fleetList(ctx);
      const { after } = input;
      const start = after === undefined ? 0 : firstAfter(devices, after);
      const page = devices.slice(start, start + input.limit);
      const last = page.at(-1);
      return {
        heartbeatPeriodMs: ctx.services.heartbeatPeriodMs,
        asOfMs,
        devices: page,
        next: start + input.limit < devices.length && last ? last.deviceId : undefined,
      };
    }),
  /**
   * The fleet page's first view: counts and the first screenful of rows. Its
   * size does not grow with the fleet, so the page renders at once; the whole
   * list (fleet.devices) follows from the browser.
   */
  overview: protectedProcedure.query(async ({ ctx }) => {
    const { asOfMs, devices } = await fleetList(ctx);
    const windowMs = offlineAfterMs(ctx.services.heartbeatPeriodMs);
    return {
      heartbeatPeriodMs: ctx.services.heartbeatPeriodMs,
      asOfMs,
      total: devices.length,
      online: devices.filter(
        (d) =>
          d.receivedAtMs !== undefined &&
          isDeviceFresh({ receivedAtMs: d.receivedAtMs }, asOfMs, windowMs),
      ).length,
      firstRows: devices.slice(0, OVERVIEW_ROWS),
    };
  }),
  /**
   * The devices whose heartbeat this server received at or after `sinceMs` (its
   * own clock, from `asOfMs`): what a browser missed while its live feed was
   * away, without re-reading the whole fleet.
   */
  changes: protectedProcedure
    .input(z.object({ sinceMs: z.number().int().nonnegative() }))
    .query(async ({ ctx, input }) => {
      const asOfMs = Date.now();
      // Read after asOfMs, so nothing received in between is lost to the next resync.
      const statuses = await ctx.services.agentStatus.snapshot();
      return {
        asOfMs,
        devices: sortedDevices(
          statuses.filter((s) => s.receivedAtMs >= input.sinceMs).map(summaryOf),
        ),
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
  /**
   * How many devices a selector targets now (the new-deployment form's live
   * preview): Device CRs listed as the user, so RBAC decides what is counted.
   */
  selectorPreview: protectedProcedure
    .input(selectorInput)
    .query(async ({ ctx, input }) =>
      selectorPreview(input.selector, await ctx.services.devicesAs(ctx.user).list()),
    ),
  /**
   * The ids a selector matches: every labelled device (the fleet page's filter),
   * or only those a deployment targets (its detail page's rows).
   */
  matching: protectedProcedure
    .input(selectorInput.extend({ targetedOnly: z.boolean().default(false) }))
    .query(async ({ ctx, input }) => ({
      deviceIds: matchingIds(
        input.selector,
        await ctx.services.devicesAs(ctx.user).list(),
        input.targetedOnly,
      ),
    })),
} satisfies TRPCRouterRecord;
