// A small client of podman's libpod REST API over the platform's unix socket
// (undici), with just what the benchmarks time: run, inspect, kill, events.
import { createInterface } from "node:readline";
import { Agent, request } from "undici";
import { PartError } from "./errors.js";

const API = "http://podman/v4.0.0/libpod";

export interface PodmanEvent {
  action: string;
  id: string;
  /** The container's labels and name, as podman sends them. */
  attributes: Record<string, string>;
  at: number;
}

export class Podman {
  readonly #dispatcher: Agent;

  constructor(readonly socketPath: string) {
    this.#dispatcher = new Agent({ connect: { socketPath } });
  }

  async call(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<unknown> {
    const response = await request(`${API}${path}`, {
      method,
      dispatcher: this.#dispatcher,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) {
      throw new PartError(`podman ${method} ${path}: ${response.statusCode} ${text.trim()}`);
    }
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }

  /** create + start, as `podman run -d` does; returns the container id. */
  async run(spec: Record<string, unknown>): Promise<string> {
    const { Id } = (await this.call("POST", "/containers/create", spec)) as { Id: string };
    await this.call("POST", `/containers/${Id}/start`);
    return Id;
  }

  async running(id: string): Promise<boolean> {
    const inspect = (await this.call("GET", `/containers/${id}/json`)) as {
      State: { Running: boolean };
    };
    return inspect.State.Running;
  }

  async kill(id: string): Promise<void> {
    await this.call("POST", `/containers/${id}/kill?signal=SIGKILL`);
  }

  async remove(id: string): Promise<void> {
    await this.call("DELETE", `/containers/${id}?force=true&timeout=0`).catch(() => undefined);
  }

  /** Ids of running or stopped containers carrying label `key=value`. */
  async withLabel(key: string, value?: string): Promise<{ id: string; state: string }[]> {
    const filters = JSON.stringify({ label: [value === undefined ? key : `${key}=${value}`] });
    const list = (await this.call(
      "GET",
      `/containers/json?all=true&filters=${encodeURIComponent(filters)}`,
    )) as { Id: string; State: string }[] | null;
    return (list ?? []).map((c) => ({ id: c.Id, state: c.State }));
  }

  /** Follows container events until `signal` aborts; resolves once the stream is open. */
  async follow(onEvent: (event: PodmanEvent) => void, signal: AbortSignal): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ["container"] }));
    const response = await request(`${API}/events?stream=true&filters=${filters}`, {
      dispatcher: this.#dispatcher,
      signal,
      bodyTimeout: 0,
    });
    const lines = createInterface({ input: response.body, crlfDelay: Infinity });
    void (async () => {
      try {
        for await (const line of lines) {
          if (line.trim() === "") continue;
          const at = performance.now();
          const event = JSON.parse(line) as {
            Action?: string;
            Actor?: { ID?: string; Attributes?: Record<string, string> };
          };
          onEvent({
            action: event.Action ?? "",
            id: event.Actor?.ID ?? "",
            attributes: event.Actor?.Attributes ?? {},
            at,
          });
        }
      } catch {
        // Aborted: the stream ends with the benchmark.
      }
    })();
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
