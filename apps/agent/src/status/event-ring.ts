// The bounded ring of recent events (successes and failures) that every
// heartbeat carries. It is kept on disk in the data dir, written atomically
// (temp file + rename), so after a reboot the device still tells what happened
// before it, and replays that history in its first heartbeat. A ring that
// cannot be saved (a full or read-only disk) stays whole in memory and says so
// in the heartbeat, once when saving starts to fail and once when it works again.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  agentEventSchema,
  clipMessage,
  RECENT_EVENTS_LIMIT,
  type AgentEvent,
  type Severity,
} from "@fleet/contracts";
import { z } from "zod";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";

export const EVENT_RING_FILE = "recent-events.json";

export interface NewEvent {
  severity: Severity;
  message: string;
  deployment?: string | undefined;
}

export class EventRing {
  readonly #file: string;
  readonly #logger: Logger;
  readonly #onChange: () => void;
  #events: AgentEvent[];
  #writing: Promise<void> = Promise.resolve();
  /** The last save failed: reported once, until a save works again. */
  #saveFailing = false;

  private constructor(file: string, events: AgentEvent[], logger: Logger, onChange: () => void) {
    this.#file = file;
    this.#events = events;
    this.#logger = logger;
    this.#onChange = onChange;
  }

  /** Loads the ring from `dataDir`; a missing or unreadable file starts an empty ring. */
  static async load(dataDir: string, logger: Logger, onChange: () => void): Promise<EventRing> {
    const file = join(dataDir, EVENT_RING_FILE);
    let events: AgentEvent[] = [];
    try {
      const parsed = z.array(agentEventSchema).safeParse(JSON.parse(await readFile(file, "utf8")));
      if (parsed.success) events = parsed.data.slice(-RECENT_EVENTS_LIMIT);
      else logger.warn({ file }, "event ring file is not a list of events; starting empty");
    } catch (error) {
      const missing = error instanceof Error && "code" in error && error.code === "ENOENT";
      if (!missing)
        logger.warn({ file, err: messageOf(error) }, "cannot read event ring; starting empty");
    }
    return new EventRing(file, events, logger, onChange);
  }

  get events(): readonly AgentEvent[] {
    return this.#events;
  }

  record(event: NewEvent, now: Date = new Date()): AgentEvent {
    // Clipped where it enters the ring: the ring rides in every heartbeat and on disk.
    const message = clipMessage(event.message);
    const entry: AgentEvent = {
      at: now.toISOString(),
      severity: event.severity,
      message,
    };
    if (event.deployment !== undefined) entry.deployment = event.deployment;
    this.#events = [...this.#events, entry].slice(-RECENT_EVENTS_LIMIT);
    const level =
      event.severity === "Error" ? "error" : event.severity === "Warning" ? "warn" : "info";
    this.#logger[level]({ deployment: event.deployment, event: "recorded" }, message);
    this.#persist();
    this.#onChange();
    return entry;
  }

  #persist(): void {
    const snapshot = JSON.stringify(this.#events);
    // Writes are chained so an older snapshot never renames over a newer one.
    this.#writing = this.#writing.then(async () => {
      const temp = `${this.#file}.${process.pid}.tmp`;
      try {
        await writeFile(temp, snapshot);
        await rename(temp, this.#file);
      } catch (error) {
        // A partly written temp file would hold space a later save needs.
        await rm(temp, { force: true }).catch(() => undefined);
        this.#saveFailed(error);
        return;
      }
      this.#saveWorked();
    });
  }

  #saveFailed(error: unknown): void {
    if (this.#saveFailing) return;
    this.#saveFailing = true;
    const dir = dirname(this.#file);
    this.#logger.warn({ file: this.#file, err: messageOf(error) }, "cannot save event ring");
    // Into the heartbeat: the device's owner sees it, not only whoever reads the log.
    // Its own save fails too, and is not reported again.
    this.record({
      severity: "Warning",
      message: `cannot write to the data dir ${dir} (${messageOf(error)}): recent events are kept in memory only until it is writable again; desired state and containers are not affected`,
    });
  }

  #saveWorked(): void {
    if (!this.#saveFailing) return;
    this.#saveFailing = false;
    this.record({
      severity: "Info",
      message: `the data dir ${dirname(this.#file)} is writable again: recent events are saved`,
    });
  }

  /** Resolves once every recorded event is on disk. */
  flushed(): Promise<void> {
    return this.#writing;
  }
}
