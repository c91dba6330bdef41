// Minimal HTTP(S)/unix-socket GET used by readiness probes. Readiness must be
// checked before any client library is configured, hence plain node:http.
import http from "node:http";
import https from "node:https";

export interface ProbeRequest {
  url: string;
  /** PEM bundle to trust for https. */
  ca?: string;
  bearerToken?: string;
  /** Talk HTTP over this unix socket (podman). */
  socketPath?: string;
  timeoutMs?: number;
}

export interface ProbeResponse {
  status: number;
  body: string;
}

export function probe(request: ProbeRequest): Promise<ProbeResponse> {
  const url = new URL(request.url);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        method: "GET",
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        socketPath: request.socketPath,
        ca: request.ca,
        headers: request.bearerToken ? { authorization: `Bearer ${request.bearerToken}` } : {},
        timeout: request.timeoutMs ?? 2_000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`timed out after ${request.timeoutMs ?? 2_000} ms`)),
    );
    req.on("error", reject);
    req.end();
  });
}
