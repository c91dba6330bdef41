// The enrollment API over HTTPS (node:https): POST ENROLLMENT_PATH and POST
// ENROLLMENT_STATUS_PATH, nothing else. Every input is bounded: header size,
// body size, time to send headers and the whole request. A refusal is a 4xx
// with `{ error }`; anything unexpected is a 500 that says only to look in
// iot-identity's log (where the cause is).
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ENROLLMENT_PATH,
  ENROLLMENT_STATUS_PATH,
  enrollmentRequestSchema,
  enrollmentStatusRequestSchema,
  type EnrollmentRequest,
  type EnrollmentResponse,
  type EnrollmentStatusRequest,
  type EnrollmentStatusResponse,
} from "@fleet/contracts";
import type { Logger } from "@fleet/runtime";
import { isEnrollmentRefusal, EnrollmentRefusal } from "./refusal.js";
import { readRequest } from "./request-body.js";

export interface EnrollmentHandlers {
  enroll(request: EnrollmentRequest): Promise<EnrollmentResponse>;
  status(request: EnrollmentStatusRequest): Promise<EnrollmentStatusResponse>;
}

export interface EnrollmentServerOptions {
  /** 0: any free port. */
  port: number;
  /** Default: every interface (devices reach it from outside). */
  host?: string;
  /** PEM serving certificate (chain) and its private key. */
  tls: { cert: string; key: string };
  handlers: EnrollmentHandlers;
  log: Logger;
  /** Every answer, by route and HTTP status (metrics). */
  onAnswer?: (route: string, status: number) => void;
}

export interface EnrollmentServer {
  port: number;
  close(): Promise<void>;
}

/** Requests worked on at once; more are turned away (503) rather than queued. */
const MAX_IN_FLIGHT = 64;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_HEADER_BYTES = 8 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(JSON.stringify(body));
}

/** The request's path; a target URL cannot parse is no path of ours. */
function pathOf(target: string | undefined): string {
  try {
    return new URL(target ?? "/", "https://enrollment").pathname;
  } catch {
    return "(unreadable)";
  }
}

interface Route {
  name: string;
  okStatus: number;
  run: (req: IncomingMessage) => Promise<unknown>;
}

export async function startEnrollmentServer(
  options: EnrollmentServerOptions,
): Promise<EnrollmentServer> {
  const { handlers, log } = options;
  const routes = new Map<string, Route>([
    [
      ENROLLMENT_PATH,
      {
        name: "enroll",
        okStatus: 201,
        run: async (req) => handlers.enroll(await readRequest(req, enrollmentRequestSchema)),
      },
    ],
    [
      ENROLLMENT_STATUS_PATH,
      {
        name: "status",
        okStatus: 200,
        run: async (req) => handlers.status(await readRequest(req, enrollmentStatusRequestSchema)),
      },
    ],
  ]);

  let inFlight = 0;
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req.url);
    const route = routes.get(path);
    let status: number;
    inFlight++;
    try {
      // Each request may read the API server: a flood must not become the API server's load.
      if (inFlight > MAX_IN_FLIGHT) {
        res.setHeader("retry-after", "5");
        throw new EnrollmentRefusal(
          503,
          "the enrollment server is busy; try again in a few seconds",
        );
      }
      if (route === undefined)
        throw new EnrollmentRefusal(404, `no such endpoint: ${path.slice(0, 100)}`);
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        throw new EnrollmentRefusal(405, `${path} takes POST only`);
      }
      const body = await route.run(req);
      status = route.okStatus;
      send(res, status, body);
    } catch (error) {
      if (isEnrollmentRefusal(error)) {
        status = error.status;
        send(res, status, { error: error.message });
        // A body we stopped reading: close the connection rather than drain it.
        if (status === 413) res.once("finish", () => req.destroy());
      } else {
        status = 500;
        log.error(
          { path, err: error instanceof Error ? error.message : String(error) },
          "enrollment request failed",
        );
        send(res, status, { error: "the enrollment server failed; see iot-identity's log" });
      }
    } finally {
      inFlight--;
    }
    // With the use lines of enroll.ts, who asked from where is in the log.
    log.info(
      { route: route?.name ?? "unknown", status, remote: req.socket.remoteAddress },
      "enrollment request answered",
    );
    options.onAnswer?.(route?.name ?? "unknown", status);
  }

  const server: Server = createServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      minVersion: "TLSv1.2",
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
    },
    (req, res) => {
      void answer(req, res);
    },
  );
  server.listen(options.port, options.host ?? "0.0.0.0");
  // Rejects with the listen error (e.g. the port is taken).
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      // Keep-alive connections of devices would hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}
