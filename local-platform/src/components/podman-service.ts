// The podman REST API service (Docker-compatible and libpod APIs) on a socket
// of the platform's own, so it never disturbs a system podman socket.
import { mkdir, rm } from "node:fs/promises";
import { requireCommand } from "../commands.js";
import { inheritedEnvironment } from "../env.js";
import { probe } from "../http-probe.js";
import { containersConfOverride } from "../podman-config.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";

export const podmanService: Component = {
  name: "podman-service",
  describe: (layout) => `unix://${layout.podmanSocket}`,
  ports: () => ({}),
  async start({ layout }) {
    await mkdir(layout.runDir, { recursive: true });
    await rm(layout.podmanSocket, { force: true });
    const conf = containersConfOverride(layout);
    const podman = await requireCommand("podman", "run `npm run setup` (as root) to install it");
    await startProcess(
      layout,
      "podman-service",
      podman,
      ["system", "service", "--time=0", `unix://${layout.podmanSocket}`],
      { env: { ...inheritedEnvironment(), ...(conf ? { CONTAINERS_CONF: conf } : {}) } },
    );
  },
  async waitReady({ layout }) {
    await waitUntil(
      async () => {
        const res = await probe({ url: "http://d/_ping", socketPath: layout.podmanSocket });
        return res.status === 200 && res.body.trim() === "OK";
      },
      {
        what: "podman API service",
        timeoutMs: 30_000,
        hint: `see ${logFile(layout, "podman-service")}`,
      },
    );
  },
};
