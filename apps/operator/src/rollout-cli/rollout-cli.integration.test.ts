// `iot-operator apply` with rollout flags and `iot-operator rollout …` as a
// person runs them (the bin in a child process) against the real API server.
// No operator runs here: the test writes status.rollout itself through the
// status subresource, as the operator's report would, and reads back what
// the commands wrote (annotations, spec.rollout.paused). (execa strips the
// output's final newline.)
import {
  ROLLOUT_APPROVE_ANNOTATION,
  ROLLOUT_ROLLBACK_ANNOTATION,
  deploymentResourceSchema,
  rolloutStatusSchema,
  type DeploymentResource,
  type RolloutStatus,
} from "@fleet/contracts";
import { RevisionClient, revisionHashOf, revisionManifest } from "@fleet/kube";
import { platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { execa, type ResultPromise } from "execa";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, runId } from "../testing/fixtures.js";
import type { z } from "zod";

// Each run of the CLI starts Node and tsx: seconds apiece on a busy machine, and a test runs up to six.
const CLI_TEST_TIMEOUT_MS = 300_000;

const main = createRequire(import.meta.url).resolve("@fleet/operator/bin");
const name = "web";
const devices = ["pi-1", "pi-2", "pi-3", "pi-4"];

let cluster: Cluster;
let namespace: string;
let kubeconfig: string;

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function start(args: string[]): ResultPromise<{ reject: false }> {
  return execa(process.execPath, ["--import", "tsx", main, ...args], {
    env: { KUBECONFIG: kubeconfig, PATH: process.env.PATH ?? "" },
    extendEnv: false,
    reject: false,
  });
}

async function cli(args: string[]): Promise<Run> {
  const result = await start(args);
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `apply` of the test's Deployment on its devices, with `rest` (image, rollout flags). */
const apply = (...rest: string[]): Promise<Run> =>
  cli([
    "apply",
    "--name",
    name,
    "--namespace",
    namespace,
    ...devices.flatMap((device) => ["--target-device", device]),
    ...rest,
  ]);

/** `rollout <verb> web -n <namespace> ...` */
const rollout = (verb: string, ...rest: string[]): Promise<Run> =>
  cli(["rollout", verb, name, "-n", namespace, ...rest]);

async function read(): Promise<DeploymentResource> {
  return deploymentResourceSchema.parse(await cluster.deployments.get(namespace, name));
}

/** What the operator would report: status.rollout for the CR's current generation. */
type Reported = z.input<typeof rolloutStatusSchema>;

async function report(status: Reported): Promise<RolloutStatus> {
  const generation = (await read()).metadata.generation ?? 0;
  await cluster.deployments.patchStatus(namespace, name, {
    observedGeneration: generation,
    rollout: status,
  });
  return rolloutStatusSchema.parse(status);
}

const waiting: Reported = {
  revision: 2,
  stableRevision: 1,
  phase: "WaitingForApproval",
  currentBatch: 1,
  totalBatches: 3,
  batches: [
    { state: "Succeeded", devices: 1, updated: 1, startedAt: "2026-11-30T10:00:00Z" },
    { state: "Pending", devices: 2 },
    { state: "Pending", devices: 1 },
  ],
  message: "batch 1 of 3: 1 of 1 updated; batch 2 waits for approval",
};

const progressing = (batch: number, updated: number): Reported => ({
  ...waiting,
  phase: "Progressing",
  currentBatch: batch,
  batches: [
    { state: "Succeeded", devices: 1, updated: 1 },
    { state: batch === 2 ? "InProgress" : "Succeeded", devices: 2, updated },
    { state: batch === 3 ? "InProgress" : "Pending", devices: 1 },
  ],
  message: `batch ${batch} of 3: ${updated} of 2 updated`,
});

const rolledBack: Reported = {
  ...waiting,
  phase: "RolledBack",
  currentBatch: 2,
  batches: [
    { state: "Succeeded", devices: 1, updated: 1 },
    { state: "Failed", devices: 2, failed: 2 },
    { state: "Pending", devices: 1 },
  ],
  message: "rolled back: batch 2 of 3: 0 of 2 updated, 2 failed",
  failure: {
    reason: "BatchFailed",
    batch: 2,
    message: "batch 2 fell under its success threshold (90%)",
    devices: [
      { device: "pi-2", message: "image localhost/nope:1 not found" },
      { device: "pi-3", message: "image localhost/nope:1 not found" },
    ],
    at: "2026-11-30T10:05:00Z",
  },
};

beforeAll(async () => {
  kubeconfig = (await platformConnection()).kubeconfig;
  const installed = await cli(["install"]);
  expect(installed.stderr).toBe("");
  cluster = await Cluster.connect();
  namespace = await cluster.namespace("rollout-cli");
});

afterAll(async () => {
  // No garbage collector in the local platform: remove the revisions this file made.
  const revisions = RevisionClient.forKubeConfig(cluster.kc);
  for (const stored of await revisions.listOf(namespace, name))
    await revisions.deleteIfPresent(namespace, stored.name);
  await cluster.cleanup();
});

describe(
  "iot-operator apply - rollout flags against the real API server",
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it("creates a Deployment with spec.rollout from the flags", async () => {
      const run = await apply(
        "--image",
        "localhost/fleet-nginx:1.0",
        "--batches",
        "1,50%",
        "--success-threshold",
        "75",
        "--max-unavailable",
        "1",
        "--batch-timeout",
        "10m",
        "--pause-between-batches",
        "5s",
        "--approval",
        "manual",
        "--on-failure",
        "pause",
      );
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe(`deployment ${namespace}/${name} applied (generation 1)`);
      expect((await read()).spec.rollout).toEqual({
        batches: [{ count: 1 }, { percentage: 50 }],
        successThreshold: 75,
        maxUnavailable: { count: 1 },
        batchTimeout: "10m",
        pauseBetweenBatches: "5s",
        approval: "manual",
        onFailure: "pause",
        // Not sent by apply: the API server's default.
        paused: false,
      });
    });

    it("refuses a bad rollout flag with exit 2, naming it, and changes nothing", async () => {
      const run = await apply(
        "--image",
        "localhost/fleet-nginx:9.9",
        "--batches",
        "1,150%",
        "--batch-timeout",
        "soon",
      );
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(
        "--batches (flag): spec.rollout.batches[1].percentage: must be 1 to 100",
      );
      expect(run.stderr).toContain(
        "--batch-timeout (flag): spec.rollout.batchTimeout: must be a duration such as 30s, 10m or 24h",
      );
      expect((await read()).spec.score.PodmanV0.services[0]?.image).toBe(
        "localhost/fleet-nginx:1.0",
      );
    });
    it("applying without rollout flags removes spec.rollout, even after a pause, in one generation", async () => {
      const other = `${name}-plain`;
      const flags = ["--name", other, "--namespace", namespace, "--target-device", "pi-1"];
      await cli(["apply", ...flags, "--image", "localhost/fleet-nginx:1.0", "--batches", "1"]);
      expect((await cli(["rollout", "pause", other, "-n", namespace])).exitCode).toBe(0);
      const before = await cluster.deployments.get(namespace, other);
      const run = await cli(["apply", ...flags, "--image", "localhost/fleet-nginx:1.1"]);
      expect(run.stderr).toBe("");
      const after = deploymentResourceSchema.parse(await cluster.deployments.get(namespace, other));
      expect(after.spec.rollout).toBeUndefined();
      expect(after.spec.score.PodmanV0.services[0]?.image).toBe("localhost/fleet-nginx:1.1");
      expect(after.metadata.generation).toBe((before.metadata?.generation ?? 0) + 1);
    });
  },
);

describe(
  "iot-operator rollout - status and commands against the real API server",
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it("status says when the operator has reported no rollout yet; -o json prints null", async () => {
      const text = await rollout("status");
      expect(text.exitCode).toBe(0);
      expect(text.stdout).toContain(`deployment ${namespace}/${name}\nno rollout reported yet`);
      const json = await rollout("status", "-o", "json");
      expect(json.stdout).toBe("null");
    });

    it("status names a Deployment that does not exist (exit 1), with --watch too", async () => {
      const missing = await cli(["rollout", "status", "nope", "-n", namespace]);
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toMatch(
        /^iot-operator: the Kubernetes API server answered: .*"nope" not found/,
      );
      const watched = await cli(["rollout", "status", "nope", "-n", namespace, "--watch"]);
      expect(watched.exitCode).toBe(1);
      expect(watched.stderr).toBe(missing.stderr);
    });

    it("status prints what the status patch put there: as JSON, and as text with its batches", async () => {
      const reported = await report(waiting);
      const json = await rollout("status", "-o", "json");
      expect(json.exitCode).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(reported);
      const text = await rollout("status");
      expect(text.stdout.split("\n")).toEqual([
        `deployment ${namespace}/${name}`,
        "revision:   2 (stable: 1)",
        "phase:      WaitingForApproval",
        "message:    batch 1 of 3: 1 of 1 updated; batch 2 waits for approval",
        "",
        "BATCH  STATE      DEVICES  UPDATED  FAILED  DEFERRED  STARTED",
        "1/3    Succeeded  1        1        0       0         2026-11-30T10:00:00Z",
        "2/3    Pending    2        0        0       0         -",
        "3/3    Pending    1        0        0       0         -",
      ]);
    });

    it("approve writes the approval of the awaited batch, bound to the reported revision", async () => {
      await report(waiting);
      const run = await rollout("approve");
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe(
        `deployment ${namespace}/${name}: approved batches up to 2 of revision 2`,
      );
      expect((await read()).metadata.annotations?.[ROLLOUT_APPROVE_ANNOTATION]).toBe("2/2");
    });

    it("approve refuses clearly when nothing awaits approval, and writes nothing", async () => {
      await report(progressing(2, 1));
      const run = await rollout("approve");
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe(
        `iot-operator: deployment ${namespace}/${name}: nothing awaits approval: revision 2 is Progressing (batch 2 of 3: 1 of 2 updated); to approve batches ahead, give --batch <n>`,
      );
      expect((await read()).metadata.annotations?.[ROLLOUT_APPROVE_ANNOTATION]).toBe("2/2");
      const ahead = await rollout("approve", "--batch", "3");
      expect(ahead.exitCode).toBe(0);
      expect((await read()).metadata.annotations?.[ROLLOUT_APPROVE_ANNOTATION]).toBe("2/3");
      const bad = await rollout("approve", "--batch", "0");
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toContain(
        '--batch (flag) = "0": must be a batch number: 1 for the first batch, 2, ...',
      );
    });

    it("pause and resume set spec.rollout.paused; applying again does not resume", async () => {
      const paused = await rollout("pause");
      expect(paused.stdout).toBe(
        `deployment ${namespace}/${name}: rollout paused: no batch starts or is judged until iot-operator rollout resume ${name}`,
      );
      expect((await read()).spec.rollout?.paused).toBe(true);
      const applied = await apply("--image", "localhost/fleet-nginx:1.1", "--batches", "1,50%");
      expect(applied.stderr).toBe("");
      const after = await read();
      expect(after.spec.score.PodmanV0.services[0]?.image).toBe("localhost/fleet-nginx:1.1");
      expect(after.spec.rollout?.paused).toBe(true);
      const resumed = await rollout("resume");
      expect(resumed.exitCode).toBe(0);
      expect((await read()).spec.rollout?.paused).toBe(false);
    });

    it("rollback writes the rollback of the reported revision; refuses a Completed one", async () => {
      await report(progressing(2, 1));
      const run = await rollout("rollback");
      expect(run.stdout).toBe(
        `deployment ${namespace}/${name}: asked to roll back revision 2; the operator puts every device back on revision 1`,
      );
      expect((await read()).metadata.annotations?.[ROLLOUT_ROLLBACK_ANNOTATION]).toBe("2");
      await report({ ...progressing(3, 2), phase: "Completed", stableRevision: 2 });
      const refused = await rollout("rollback");
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain(
        "revision 2 is Completed: it is the stable revision, so there is nothing to roll back. To go back, apply the previous spec again",
      );
    });

    it("status exits 3 on a rolled-back rollout and shows the failed devices' errors", async () => {
      await report(rolledBack);
      const run = await rollout("status");
      expect(run.exitCode).toBe(3);
      expect(run.stdout).toContain(
        "failure:    BatchFailed in batch 2 at 2026-11-30T10:05:00Z: batch 2 fell under its success threshold (90%)",
      );
      expect(run.stdout).toMatch(/^pi-2\s+image localhost\/nope:1 not found$/m);
      expect(run.stderr).toBe(
        `iot-operator: deployment ${namespace}/${name}: revision 2 is RolledBack: batch 2 fell under its success threshold (90%)`,
      );
    });
  },
);

describe(
  "iot-operator rollout status --watch - follows the CR until the rollout settles",
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    /** Starts a watch and resolves once it printed `count` lines. */
    function watching(args: string[], deployment = name) {
      const watch = start(["rollout", "status", deployment, "-n", namespace, "--watch", ...args]);
      const lines: string[] = [];
      watch.stdout.on("data", (chunk: Buffer) => {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
      });
      const printed = (count: number) =>
        waitUntil(() => Promise.resolve(lines.length >= count), {
          what: `${count} lines from rollout status --watch`,
          timeoutMs: 30_000,
          intervalMs: 50,
        });
      return { watch, lines, printed };
    }

    it("prints a line per change and exits 0 once Completed", async () => {
      await report(progressing(2, 0));
      const { watch, lines, printed } = watching([]);
      await printed(1);
      await report(progressing(2, 1));
      await printed(2);
      // An edit that changes nothing the line shows prints nothing.
      await cluster.deployments.mergePatch(namespace, name, {
        metadata: { labels: { touched: runId } },
      });
      await report({ ...progressing(3, 2), phase: "Completed", stableRevision: 2 });
      const result = await watch;
      expect(result.exitCode).toBe(0);
      expect(lines.map((line) => line.replace(/^\S+ /, ""))).toEqual([
        "revision 2 Progressing: batch 2 of 3: 0 of 2 updated",
        "revision 2 Progressing: batch 2 of 3: 1 of 2 updated",
        "revision 2 Completed: batch 3 of 3: 2 of 2 updated",
      ]);
      expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z revision 2/);
    });

    it("does not stop at a phase reported for an older generation; exits 3 on RolledBack (-o json)", async () => {
      await report(progressing(2, 0));
      const { watch, lines, printed } = watching(["-o", "json"]);
      await printed(1);
      // A spec change the operator has not reported on yet: a Completed for the
      // generation before it is not the end of this spec's rollout.
      const before = (await read()).metadata.generation ?? 0;
      await cluster.deployments.mergePatch(namespace, name, {
        spec: { rollout: { batchTimeout: "11m" } },
      });
      await cluster.deployments.patchStatus(namespace, name, {
        observedGeneration: before,
        rollout: { ...progressing(3, 2), phase: "Completed", stableRevision: 2 },
      });
      await printed(2);
      await report(rolledBack);
      const result = await watch;
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain("revision 2 is RolledBack");
      expect(lines.map((line) => (JSON.parse(line) as RolloutStatus).phase)).toEqual([
        "Progressing",
        "Completed",
        "RolledBack",
      ]);
      expect(JSON.parse(lines[2] ?? "")).toEqual(rolloutStatusSchema.parse(rolledBack));
    });

    it("ends with exit 1 when the Deployment is deleted while it is followed", async () => {
      const other = `${name}-gone`;
      await cluster.create(namespace, other, {
        targetDevices: ["pi-1"],
        score: {
          PodmanV0: { services: [{ name: "main", image: "localhost/fleet-nginx:1.0", ports: [] }] },
        },
        rollout: { batches: [{ count: 1 }] },
      });
      const { watch, lines, printed } = watching([], other);
      await printed(1);
      await cluster.delete(namespace, other);
      const result = await watch;
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe(`iot-operator: deployment ${namespace}/${other} was deleted`);
      expect(lines[0]).toMatch(
        / no rollout reported yet \(the operator has not reported on generation 1 yet\)$/,
      );
    });
  },
);

describe(
  "iot-operator rollout history - the stored revisions",
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it("lists the ControllerRevisions of the Deployment with their images, marking stable and target", async () => {
      const cr = await read();
      const revisions = RevisionClient.forKubeConfig(cluster.kc);
      for (const [revision, image] of [
        [1, "localhost/fleet-nginx:1.0"],
        [2, "localhost/fleet-nginx:1.1"],
      ] as const) {
        const score = { PodmanV0: { services: [{ name: "main", image, ports: [] }] } };
        await revisions.create(
          revisionManifest({
            namespace,
            deployment: name,
            uid: cr.metadata.uid ?? "",
            hash: revisionHashOf(score),
            revision,
            data: { score, generation: revision },
          }),
        );
      }
      await report({ ...progressing(2, 1), stableRevision: 1 });
      const run = await rollout("history");
      expect(run.exitCode).toBe(0);
      const [head, ...rows] = run.stdout.split("\n");
      expect(head).toMatch(/^REVISION\s+HASH\s+CREATED\s+IMAGES\s+ROLE$/);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/^1\s+[0-9a-f]{10}\s+\S+Z\s+localhost\/fleet-nginx:1\.0\s+stable$/);
      expect(rows[1]).toMatch(
        /^2\s+[0-9a-f]{10}\s+\S+Z\s+localhost\/fleet-nginx:1\.1\s+target \(Progressing\)$/,
      );
    });
  },
);
