// The status size budget against a real kube-apiserver + etcd: the largest
// status the fold can produce is accepted, and when an object does outgrow
// etcd's limit the API server's answer is recognised as "too large" (so the
// flusher backs off instead of resending it every second).
import { ENV_VALUE_MAX_LENGTH } from "@fleet/contracts";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrd } from "../install.js";
import { DeploymentApi } from "../kube/deployment-api.js";
import { Cluster, runId } from "../testing/fixtures.js";
import { statusPatchBody } from "./build-status.js";
import { largestFoldedStatus } from "./largest-status.js";
import { classifyPatchFailure } from "./patch-rejection.js";

const log = pino({ level: "silent" });
let cluster: Cluster;
let api: DeploymentApi;
let namespace: string;

const nginx = { name: "web", image: "localhost/fleet-nginx:1.0", ports: [] };

beforeAll(async () => {
  cluster = await Cluster.connect();
  await installCrd(cluster.kc, log, 60_000);
  api = new DeploymentApi(cluster.kc);
  namespace = await cluster.namespace("status-budget");
});

afterAll(async () => {
  await cluster.cleanup();
});

describe("status budget on a real API server", () => {
  it("status budget - the largest status the fold can produce is patched and read back intact", async () => {
    const name = `largest-${runId}`;
    await cluster.create(namespace, name, {
      targetDevices: ["pi-1"],
      score: { PodmanV0: { services: [nginx] } },
    });
    const status = largestFoldedStatus(namespace, name);
    await api.patchStatus(namespace, name, statusPatchBody(status));
    const stored = await cluster.get(namespace, name);
    expect(stored?.status?.aggregate).toEqual(status.aggregate);
    expect(stored?.status?.conditions).toEqual(status.conditions);
  });

  it("status budget - a status patch that pushes an object past etcd's limit is classified too-large", async () => {
    const name = `oversize-${runId}`;
    // A spec of ~1.44 MB, within every per-field limit (env values at their
    // maximum), created raw: the API server accepts it, and etcd still has room.
    const env = Object.fromEntries(
      Array.from({ length: 44 }, (_, i) => [`V${i}`, "v".repeat(ENV_VALUE_MAX_LENGTH)]),
    );
    await cluster.createRaw(namespace, name, {
      targetDevices: ["pi-1"],
      score: { PodmanV0: { services: [{ ...nginx, env }] } },
    });
    const error = await api
      .patchStatus(namespace, name, statusPatchBody(largestFoldedStatus(namespace, name)))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error, "the API server accepted an object over etcd's limit").toBeDefined();
    expect(classifyPatchFailure(error)).toBe("too-large");
  });
});
