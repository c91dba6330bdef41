// A thin client for podman's libpod REST API over its unix socket (undici).
// Every failure becomes a PodmanApiError carrying podman's own message, which
// is what ends up in a deployment's lastError.
import { Agent, request, type Dispatcher } from "undici";
import { PodmanApiError, messageOf } from "../errors.js";

/** The libpod API version prefix; podman 4.0+ serves it. */
const API = "http://podman/v4.0.0/libpod";

export type Query = Record<string, string | number | boolean | undefined>;

export interface PodmanResponse {
  status: number;
  body: Dispatcher.ResponseData["body"];
}

function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: use the raw text.
  }
  return text.trim();
}

export class PodmanClient {
  readonly socketPath: string;
  readonly #dispatcher: Agent;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
    this.#dispatcher = new Agent({ connect: { socketPath } });
  }

  /** Sends a request; resolves with the open response for 2xx and 304, throws otherwise. */
  async send(
    method: "GET" | "POST" | "DELETE",
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      signal?: AbortSignal;
      /** 0 for long-lived answers (event stream, pulls) that may stay quiet for long. */
      bodyTimeout?: number;
    } = {},
  ): Promise<PodmanResponse> {
    const url = new URL(`${API}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const what = `podman ${method} ${url.pathname.replace("/v4.0.0/libpod", "")}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method,
        dispatcher: this.#dispatcher,
        signal: options.signal,
        ...(options.bodyTimeout === undefined ? {} : { bodyTimeout: options.bodyTimeout }),
        headers: options.body === undefined ? {} : { "content-type": "application/json" },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (cause) {
      throw new PodmanApiError(
        `cannot reach the podman API at ${this.socketPath}: ${messageOf(cause)}`,
        undefined,
        { cause },
      );
    }
    if (response.statusCode >= 400) {
      const text = await response.body.text();
      throw new PodmanApiError(`${what}: ${errorText(text)}`, response.statusCode);
    }
    return { status: response.statusCode, body: response.body };
  }

  /** A request whose JSON answer is returned (undefined for an empty body). */
  async json(
    method: "GET" | "POST" | "DELETE",
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<unknown> {
    const { body } = await this.send(method, path, options);
    const text = await body.text();
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }

  async ping(): Promise<void> {
    const { body } = await this.send("GET", "/_ping");
    await body.dump();
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
