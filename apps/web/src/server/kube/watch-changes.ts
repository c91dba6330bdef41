// A Kubernetes collection as a stream of changes: list, then watch from the
// list's resourceVersion. The API server ends each watch after WATCH_SECONDS
// (below the client's 30 s inactivity limit, which doubles as a watchdog for a
// stalled connection); the next one resumes from the last resourceVersion, and
// only 410 Gone relists. Requests go out with the credentials of the generated
// API's Configuration, so a watch acts as exactly the same user as a get.
import { setTimeout as delay } from "node:timers/promises";
import { Backoff } from "@fleet/runtime";
import {
  HttpMethod,
  KubeConfig,
  Watch,
  type Cluster,
  type Configuration,
  type RequestContext,
} from "@kubernetes/client-node";
import { TRPCError } from "@trpc/server";
import type { Change } from "../../deployments/changes";

export interface Listed {
  items: unknown[];
  resourceVersion: string | undefined;
}

export interface WatchChangesOptions<T> {
  configuration: Configuration;
  /** The collection, e.g. /apis/<group>/<version>/namespaces/<ns>/<plural>. */
  path: string;
  fieldSelector?: string;
  /** The same collection (and selector) listed through the typed API. */
  list: () => Promise<Listed>;
  /** Objects that fail the contracts are skipped. */
  parse: (object: unknown) => T | undefined;
  signal: AbortSignal;
  /** The collection in words, for a refusal ("devices"); deployments by default. */
  what?: string;
}

const WATCH_SECONDS = 25;
const MAX_BACKOFF_MS = 30_000;

/** Watch reads a KubeConfig; this one answers with the Configuration's server and credentials. */
class ConfigurationKubeConfig extends KubeConfig {
  constructor(private readonly configuration: Configuration) {
    super();
  }

  override getCurrentCluster(): Cluster {
    const server = this.configuration.baseServer.makeRequestContext("", HttpMethod.GET).getUrl();
    return { name: "api", server: server.replace(/\/$/, ""), skipTLSVerify: false };
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.configuration.authMethods.default?.applySecurityAuthentication(context);
  }
}

type WatchSignal =
  { kind: "event"; type: string; object: unknown } | { kind: "end"; error: unknown };

/** Callbacks in, awaitable items out. */
class Inbox<T> {
  readonly #items: T[] = [];
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
    this.#wake = undefined;
  }

  async next(): Promise<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) return item;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  if ("statusCode" in error && typeof error.statusCode === "number") return error.statusCode;
  if ("code" in error && typeof error.code === "number") return error.code;
  return undefined;
}

function refused(code: number, what: string): TRPCError {
  return code === 403
    ? new TRPCError({
        code: "FORBIDDEN",
        message: `You may not watch ${what} (Kubernetes RBAC)`,
      })
    : new TRPCError({
        code: "UNAUTHORIZED",
        message: "The Kubernetes API no longer accepts this session's credentials",
      });
}

/** The user may not (or may no longer) do this: retrying cannot help. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof TRPCError &&
    (error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED" || error.code === "NOT_FOUND")
  );
}

function resourceVersionOf(object: unknown): string | undefined {
  if (typeof object !== "object" || object === null || !("metadata" in object)) return undefined;
  const { metadata } = object;
  if (typeof metadata !== "object" || metadata === null || !("resourceVersion" in metadata)) {
    return undefined;
  }
  return typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : undefined;
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

export async function* watchChanges<T>(options: WatchChangesOptions<T>): AsyncGenerator<Change<T>> {
  const { signal, parse } = options;
  // A function: the flag flips while the loop awaits (a plain read would be narrowed).
  const aborted = (): boolean => signal.aborted;
  const watch = new Watch(new ConfigurationKubeConfig(options.configuration));
  let resourceVersion: string | undefined;
  let relist = true;
  const backoff = new Backoff({ initialMs: 1000, maxMs: MAX_BACKOFF_MS });

  while (!aborted()) {
    if (relist) {
      let listed: Listed;
      try {
        listed = await options.list();
      } catch (error) {
        // Refused stays refused; anything else (429 while the API server's cache
        // warms up, a restart, a network error) is retried, as a watch is.
        if (isRefusal(error) || aborted()) throw error;
        await pause(backoff.next(), signal);
        continue;
      }
      backoff.reset();
      yield { type: "snapshot", items: listed.items.flatMap((o) => parse(o) ?? []) };
      resourceVersion = listed.resourceVersion;
      relist = false;
    }
    const inbox = new Inbox<WatchSignal>();
    const onAbort = (): void => {
      inbox.push({ kind: "end", error: undefined });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const controller = await watch.watch(
      options.path,
      {
        allowWatchBookmarks: true,
        timeoutSeconds: WATCH_SECONDS,
        resourceVersion,
        fieldSelector: options.fieldSelector,
      },
      (type: string, object: unknown) => {
        inbox.push({ kind: "event", type, object });
      },
      (error: unknown) => {
        inbox.push({ kind: "end", error });
      },
    );
    try {
      for (;;) {
        const next = await inbox.next();
        if (next.kind === "end") {
          const code = statusCodeOf(next.error);
          if (code === 401 || code === 403) throw refused(code, options.what ?? "deployments");
          if (code === 410) relist = true;
          else if (next.error !== null && next.error !== undefined && !aborted()) {
            await pause(backoff.next(), signal);
          }
          break;
        }
        backoff.reset();
        if (next.type === "ERROR") {
          // A Status object: 410 Gone means our resourceVersion is too old.
          relist = true;
          if (statusCodeOf(next.object) !== 410) {
            await pause(backoff.next(), signal);
          }
          break;
        }
        resourceVersion = resourceVersionOf(next.object) ?? resourceVersion;
        if (next.type === "BOOKMARK") continue;
        const item = parse(next.object);
        if (item === undefined) continue;
        if (next.type === "DELETED") yield { type: "deleted", item };
        else yield { type: "upsert", item };
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      controller.abort();
    }
  }
}
