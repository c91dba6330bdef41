// etcd 3.6, the store behind the local kube-apiserver, on loopback only.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { probe } from "../http-probe.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";

export const etcd: Component = {
  name: "etcd",
  describe: (layout) => `http://127.0.0.1:${layout.ports.etcd}`,
  ports: (layout) => ({
    FLEET_ETCD_PORT: layout.ports.etcd,
    FLEET_ETCD_PEER_PORT: layout.ports.etcdPeer,
  }),
  async start({ layout }) {
    await mkdir(layout.etcdDataDir, { recursive: true, mode: 0o700 });
    const client = `http://127.0.0.1:${layout.ports.etcd}`;
    const peer = `http://127.0.0.1:${layout.ports.etcdPeer}`;
    await startProcess(layout, "etcd", join(layout.binDir, "etcd"), [
      "--name=fleet-local",
      `--data-dir=${layout.etcdDataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=fleet-local=${peer}`,
      "--log-level=warn",
      // Fewer fsync-bound stalls on a shared CI disk; this store is disposable.
      "--unsafe-no-fsync",
    ]);
  },
  async waitReady({ layout }) {
    await waitUntil(
      async () => {
        const res = await probe({ url: `http://127.0.0.1:${layout.ports.etcd}/health` });
        return (
          res.status === 200 && (JSON.parse(res.body) as { health?: string }).health === "true"
        );
      },
      { what: "etcd", timeoutMs: 30_000, hint: `see ${logFile(layout, "etcd")}` },
    );
  },
};
