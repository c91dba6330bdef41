// Toxiproxy, the TCP fault injector the fault suite puts between a device's
// agent and NATS (cut, slow or blackhole one device's link). Not part of the
// default platform: `up` starts it only when asked (`up --toxiproxy`, the
// fault suite's global setup). Its API has no authentication, so it listens on
// loopback only, like every other server here, and only proxies the tests create.
import { join } from "node:path";
import { probe } from "../http-probe.js";
import type { Layout } from "../layout.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";

export function toxiproxyApiUrl(layout: Layout): string {
  return `http://127.0.0.1:${layout.ports.toxiproxy}`;
}

export const toxiproxy: Component = {
  name: "toxiproxy",
  describe: (layout) => `API ${toxiproxyApiUrl(layout)}`,
  ports: (layout) => ({ FLEET_TOXIPROXY_PORT: layout.ports.toxiproxy }),
  async start({ layout }) {
    await startProcess(layout, "toxiproxy", join(layout.binDir, "toxiproxy-server"), [
      "-host",
      "127.0.0.1",
      "-port",
      String(layout.ports.toxiproxy),
    ]);
  },
  async waitReady({ layout }) {
    await waitUntil(
      async () => (await probe({ url: `${toxiproxyApiUrl(layout)}/version` })).status === 200,
      { what: "toxiproxy API", timeoutMs: 15_000, hint: `see ${logFile(layout, "toxiproxy")}` },
    );
  },
};
