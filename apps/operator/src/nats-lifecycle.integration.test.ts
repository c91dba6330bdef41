// The operator's NATS connection closed for good from the SERVER side: kicked
// through the system account while its credential is revoked (the server no
// longer knows it), so nats.js gives the connection up after two auth errors.
// The operator must say so on /readyz, and carry on with a fresh connection
// once the credential is good again: desired state written, heartbeats folded.
import { chmod, copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeDesiredState, desiredStateKey } from "@fleet/contracts";
import {
  kickConnections,
  kubeConfigFor,
  platformConnection,
  unknownCredentials,
  waitUntil,
} from "@fleet/local-platform/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrd } from "./install.js";
import { Cluster, Kv, nginxSpec, runId } from "./testing/fixtures.js";
import { startOperator, type OperatorProcess } from "./testing/operator-process.js";

let cluster: Cluster;
let kv: Kv;
let op: OperatorProcess | undefined;
let dir: string;

beforeAll(async () => {
  cluster = await Cluster.connect();
  kv = await Kv.connect();
  await installCrd(await kubeConfigFor("admin"), pino({ level: "silent" }), 60_000);
  dir = await mkdtemp(join(tmpdir(), "op-nats-it-"));
});

afterAll(async () => {
  await op?.stop("SIGKILL");
  await cluster.cleanup();
  await kv.cleanup(cluster.namespaces);
  await kv.close();
  await rm(dir, { recursive: true, force: true });
});

describe("operator - NATS closes its connection for good", () => {
  it("readyz says why while NATS is unusable; a fresh connection then writes and folds again", async () => {
    const ns = await cluster.namespace("nats-closed");
    const device = `nc-${runId}`;
    const identity = `op-nats-${runId}`;
    // The operator's own credential, in a file the test can revoke and restore.
    const valid = join(dir, "valid.creds");
    const credentials = join(dir, "operator.creds");
    await copyFile((await platformConnection()).natsSecrets.operatorCreds, valid);
    await copyFile(valid, credentials);
    await chmod(credentials, 0o600);
    op = await startOperator(identity, [
      "--lease-name",
      `it-nats-${runId}`,
      "--namespace",
      ns,
      "--nats-credentials",
      credentials,
    ]);
    await op.waitForState("leading");
    const image = async (): Promise<string | undefined> => {
      const bytes = await kv.value(desiredStateKey({ device, namespace: ns, name: "web" }));
      return bytes && decodeDesiredState(bytes).score.PodmanV0.services[0]?.image;
    };
    await cluster.create(ns, "web", nginxSpec([device]));
    await waitUntil(async () => (await image()) === "localhost/fleet-nginx:1.0", {
      what: "desired state before the outage",
      timeoutMs: 20_000,
    });

    await writeFile(credentials, await unknownCredentials(), { mode: 0o600 });
    expect(await kickConnections(`iot-operator/${identity}`)).toBe(1);
    await waitUntil(async () => /closed/.test((await op?.readiness())?.reason ?? ""), {
      what: "readyz naming the closed connection",
      timeoutMs: 30_000,
      hint: `logs: ${op.logs.slice(-3).join("\n")}`,
    });
    const down = await fetch(`http://127.0.0.1:${String(op.port)}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ready: false, state: "nats-down" });

    await copyFile(valid, credentials);
    await op.waitForState("leading");
    await cluster.patchSpec(ns, "web", nginxSpec([device], "1.1"));
    await waitUntil(async () => (await image()) === "localhost/fleet-nginx:1.1", {
      what: "desired state written on the fresh connection",
      timeoutMs: 30_000,
    });
    await waitUntil(
      async () => {
        await kv.report({
          deviceId: device,
          agentVersion: "simulated",
          lastHeartbeatAt: new Date().toISOString(),
          deployments: {
            [desiredStateKey({ device, namespace: ns, name: "web" })]: { phase: "Running" },
          },
        });
        return (await cluster.get(ns, "web"))?.status?.aggregate?.succeeded === 1;
      },
      { what: "a heartbeat folded on the fresh connection", timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(op.exited()).toBe(false);
  });
});
