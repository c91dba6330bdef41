// The probe and metrics server every fleet service runs: /healthz (the
// process answers), /readyz (this replica can do its job) and Prometheus
// /metrics, on node:http.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What /metrics serves: a prom-client Registry fits. */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

export interface Readiness {
  ready: boolean;
  /** Short state for humans and tests: starting, standby, leading, nats-down, ... */
  state: string;
  /** Why it is not ready, when that needs more than the state (e.g. NATS closed the connection). */
  reason?: string;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(options: {
  port: number;
  registry: MetricsSource;
  readiness: () => Readiness;
}): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (path === "/readyz") {
      const readiness = options.readiness();
      res
        .writeHead(readiness.ready ? 200 : 503, { "content-type": "application/json" })
        .end(`${JSON.stringify(readiness)}\n`);
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (body) => res.writeHead(200, { "content-type": options.registry.contentType }).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
