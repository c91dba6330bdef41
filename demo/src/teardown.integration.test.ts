// However the demo ends — Ctrl-C with its output piped, TERM, a closed stdout or
// one of its apps dying — it tears down everything it started and exits non-zero
// with one line saying why. Each case runs the real demo (one device, no
// dashboard) on a platform instance of its own, then checks that no process it
// started is alive, no server of the instance runs and every port is free.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { applyDeployment, manifestFromFlags } from "@fleet/operator";
import { down, silentProgress } from "@fleet/local-platform";
import { freePort, waitUntil } from "@fleet/local-platform/testing";
import { demoCredentialsFile } from "./demo-devices.js";
import { PodmanApi } from "./podman.js";
import {
  busyPorts,
  demoInstance,
  pidOf,
  runDemo,
  runningServers,
  type DemoInstance,
  type DemoRun,
} from "./testing/demo-run.js";

const TIMEOUT_MS = 180_000;
const instances: DemoInstance[] = [];
const runs: DemoRun[] = [];
const MENU = "Stop everything: Ctrl-C";

function tracked(run: DemoRun): DemoRun {
  runs.push(run);
  return run;
}

/** The demo itself, on the project's Node, as `npm run demo` runs it. */
function demoDirectly(instance: DemoInstance): DemoRun {
  return tracked(
    runDemo(
      process.execPath,
      [
        ...["--import", "tsx", "demo/src/main.ts", "--no-dashboard"],
        ...["--device-prefix", instance.devicePrefix],
      ],
      instance,
    ),
  );
}

/** `npm run demo` inside a shell pipeline, exactly as a user types it. */
function demoPiped(instance: DemoInstance, pipeline: string): DemoRun {
  const command = `npm run demo -- --no-dashboard --device-prefix ${instance.devicePrefix} ${pipeline}`;
  return tracked(runDemo("bash", ["-o", "pipefail", "-c", command], instance));
}

function operatorPort(run: DemoRun): number {
  return Number(/Operator +http:\/\/127\.0\.0\.1:(\d+)\//.exec(run.stdout())?.[1] ?? 0);
}

/**
 * Awaits the run's end; then: its exit code, the one line naming `reason` (in
 * `stderr`, the run's own unless given), no process it started alive, no server
 * of the instance running, and all its ports (and `otherPorts`) free.
 */
async function expectTornDown(
  run: DemoRun,
  instance: DemoInstance,
  expected: {
    exitCode: number;
    reason: string;
    stderr?: () => Promise<string>;
    otherPorts?: number[];
  },
): Promise<void> {
  const { code } = await run.exited;
  expect(code).toBe(expected.exitCode);
  const stderr = expected.stderr ? await expected.stderr() : run.stderr();
  expect(stderr).toContain(`demo: stopped (${expected.reason}); everything it started is stopped`);
  expect(run.survivors()).toEqual([]);
  expect(await runningServers(instance)).toEqual([]);
  expect(await busyPorts(instance, expected.otherPorts)).toEqual([]);
}

/** A platform instance of the test's own; its folder (62 MB of etcd data and certificates) goes afterwards. */
async function freshInstance(): Promise<DemoInstance> {
  const instance = await demoInstance();
  instances.push(instance);
  return instance;
}

// A failed case must not leave its demo behind for the next ones.
afterEach(async () => {
  for (const run of runs.splice(0)) {
    for (const survivor of run.survivors()) {
      try {
        process.kill(Number(survivor.split(" ")[0]), "SIGKILL");
      } catch {
        // Ended in the meantime.
      }
    }
  }
  for (const instance of instances.splice(0)) {
    await down(instance.layout, silentProgress);
    await rm(instance.layout.root, { recursive: true, force: true });
  }
});

describe("demo teardown - whatever ends the demo, nothing it started survives", () => {
  it(
    "Ctrl-C with the output piped (`npm run demo | tee`) stops the apps, the containers and the servers",
    async () => {
      const instance = await freshInstance();
      const stderrFile = join(instance.layout.root, "stderr.txt");
      const outFile = join(instance.layout.root, "stdout.txt");
      const run = demoPiped(instance, `2>"${stderrFile}" | tee "${outFile}"`);
      await run.waitForOutput(MENU);
      // A container on the demo's device, so the teardown has one to remove.
      const device = `${instance.devicePrefix}-1`;
      const kc = new KubeConfig();
      kc.loadFromFile(instance.layout.kubeconfig);
      await applyDeployment(
        kc,
        manifestFromFlags({
          name: "teardown-nginx",
          namespace: "default",
          targetDevice: [device],
          image: "localhost/fleet-nginx:1.0",
          port: [`${String(await freePort())}:80`],
        }),
      );
      const podman = new PodmanApi(instance.layout.podmanSocket);
      let containerId = "";
      try {
        await waitUntil(
          async () => {
            const running = (await podman.containersOf(device)).find((c) => c.state === "running");
            containerId = running?.id ?? "";
            return containerId !== "";
          },
          { what: `a running container on ${device}`, timeoutMs: 60_000 },
        );
      } finally {
        await podman.close();
      }
      const appPort = operatorPort(run);

      run.signalGroup("SIGINT"); // What a terminal does on Ctrl-C: npm, the demo and tee get it.

      await expectTornDown(run, instance, {
        exitCode: 130,
        reason: "SIGINT received",
        stderr: () => readFile(stderrFile, "utf8"),
        otherPorts: [appPort],
      });
      const exists = await execa("podman", ["container", "exists", containerId], { reject: false });
      expect(exists.exitCode).toBe(1);
    },
    TIMEOUT_MS,
  );

  it(
    "TERM while it is still starting stops what it had started so far",
    async () => {
      const instance = await freshInstance();
      const run = demoDirectly(instance);
      await run.waitForOutput("✓ start kube-apiserver");

      run.child.kill("SIGTERM");

      await expectTornDown(run, instance, { exitCode: 143, reason: "SIGTERM received" });
    },
    TIMEOUT_MS,
  );

  it(
    "`npm run demo | head -1`: the closed stdout stops it",
    async () => {
      const instance = await freshInstance();
      const run = demoPiped(instance, "| head -1");

      // pipefail: the pipeline's status is npm's, which is the demo's.
      await expectTornDown(run, instance, { exitCode: 141, reason: "stdout was closed (EPIPE)" });
    },
    TIMEOUT_MS,
  );

  it(
    "stdout closed after the servers started: they are stopped again",
    async () => {
      const instance = await freshInstance();
      const run = demoDirectly(instance);
      await run.waitForOutput("✓ start nats-server");

      run.child.stdout?.destroy(); // The reader goes away; the demo's next line meets EPIPE.

      await expectTornDown(run, instance, { exitCode: 141, reason: "stdout was closed (EPIPE)" });
    },
    TIMEOUT_MS,
  );

  it(
    "an app that dies (the agent, killed) brings the whole demo down, naming it",
    async () => {
      const instance = await freshInstance();
      const run = demoDirectly(instance);
      await run.waitForOutput(MENU);
      const device = `${instance.devicePrefix}-1`;
      const appPort = operatorPort(run);

      process.kill(
        pidOf(run, `--credentials ${demoCredentialsFile(instance.layout, device)}`),
        "SIGKILL",
      );

      const log = join(instance.layout.logDir, `demo-${device}.log`);
      await expectTornDown(run, instance, {
        exitCode: 1,
        reason: `${device} ended on its own (signal SIGKILL): see ${log}`,
        otherPorts: [appPort],
      });
    },
    TIMEOUT_MS,
  );
});
