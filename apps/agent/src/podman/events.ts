// Follows podman's event stream so an out-of-band kill or removal is seen at
// once, not at the next resync. The stream is re-opened with backoff when
// podman goes away; `onResumed` lets the caller resync what it may have missed.
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { Backoff } from "@fleet/runtime";
import { z } from "zod";
import { isAborted } from "../abort.js";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { PodmanClient } from "./client.js";

const eventSchema = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ ID: z.string(), Attributes: z.record(z.string(), z.string()).nullish() }),
  timeNano: z.number().optional(),
});

export interface ContainerEvent {
  /** Normalized: podman says `died` on the libpod API and `die` on the compat API. */
  action: string;
  id: string;
  /** Labels and podman's attributes (name, image, containerExitCode). */
  attributes: Record<string, string>;
  exitCode: number | undefined;
}

export function toContainerEvent(json: unknown): ContainerEvent | undefined {
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success || parsed.data.Type !== "container") return undefined;
  const attributes = parsed.data.Actor.Attributes ?? {};
  const action = parsed.data.Action === "die" ? "died" : parsed.data.Action;
  const code = attributes.containerExitCode ?? attributes.exitCode;
  const exitCode = code === undefined || code === "" ? undefined : Number(code);
  return {
    action,
    id: parsed.data.Actor.ID,
    attributes,
    exitCode: exitCode !== undefined && Number.isFinite(exitCode) ? exitCode : undefined,
  };
}

export interface EventStreamOptions {
  podman: PodmanClient;
  /** Server-side label filter, e.g. this device's label. */
  label: string;
  onEvent: (event: ContainerEvent) => void;
  /** Called each time the stream is (re)opened, so missed events can be caught up. */
  onOpened: () => void;
  logger: Logger;
  signal: AbortSignal;
}

async function followOnce(options: EventStreamOptions): Promise<void> {
  const filters = JSON.stringify({ type: ["container"], label: [options.label] });
  const { body } = await options.podman.send("GET", "/events", {
    query: { stream: true, filters },
    signal: options.signal,
    bodyTimeout: 0,
  });
  options.onOpened();
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const event = toContainerEvent(JSON.parse(line));
    if (event !== undefined) options.onEvent(event);
  }
}

/** Runs until `signal` aborts; never throws. */
export async function followContainerEvents(options: EventStreamOptions): Promise<void> {
  const backoff = new Backoff({ initialMs: 500, maxMs: 15_000 });
  while (!options.signal.aborted) {
    const openedAt = Date.now();
    try {
      await followOnce(options);
      if (isAborted(options.signal)) return;
      options.logger.warn("podman event stream ended; reopening");
    } catch (error) {
      if (isAborted(options.signal)) return;
      options.logger.warn({ err: messageOf(error) }, "podman event stream failed; reopening");
    }
    // A stream that stayed up for a while was healthy: start the backoff over.
    if (Date.now() - openedAt > 30_000) backoff.reset();
    await delay(backoff.next(), undefined, { signal: options.signal }).catch(() => undefined);
  }
}
