// up / down / status: the local platform's lifecycle over its components.
import { ensureBinaries } from "./binaries.js";
import { platformComponents, type Component, type ComponentContext } from "./components/index.js";
import type { Layout } from "./layout.js";
import {
  assertNoStrayNatsNodes,
  forgetNatsClusterSizeIfStopped,
  recordNatsClusterSize,
  strayNatsNodes,
} from "./nats-cluster-record.js";
import { ensureNginxImages, nginxImageRef } from "./nginx-image.js";
import { ensurePodmanConfig } from "./podman-config.js";
import { assertPortsFree } from "./ports.js";
import { killProcess, runningProcess, stopProcess } from "./processes.js";
import type { Progress } from "./progress.js";
import { NGINX_TAGS } from "./versions.js";

export interface UpResult {
  /** Components this call started (the rest were already running). */
  started: string[];
}

/** Starts the component unless it runs; a started one's name goes into `started` before it is ready. */
async function bringUp(
  component: Component,
  context: ComponentContext,
  started: string[] = [],
): Promise<void> {
  const { layout, progress } = context;
  if (await runningProcess(layout, component.name)) {
    await component.waitReady(context);
    progress.info(`${component.name}: already running at ${component.describe(layout)}`);
    return;
  }
  started.push(component.name);
  await progress.step(`start ${component.name}`, async () => {
    await assertPortsFree(component.ports(layout));
    await component.start(context);
    await component.waitReady(context);
  });
  progress.info(`${component.name}: ${component.describe(layout)}`);
}

export interface UpOptions {
  /** Aborting stops the start-up after the step in progress; what `up` started is stopped again. */
  signal?: AbortSignal;
}

/**
 * Idempotent: builds what is missing, starts what is not running, waits for all
 * to be ready. On a failure (or an abort) it stops the servers it started, so
 * nothing is left running that the caller does not know about.
 */
export async function up(
  layout: Layout,
  progress: Progress,
  options: UpOptions = {},
): Promise<UpResult> {
  const { signal } = options;
  await ensureBinaries(layout, progress, signal === undefined ? {} : { signal });
  signal?.throwIfAborted();
  await ensureNginxImages(layout, progress);
  if (!(await runningProcess(layout, "podman-service"))) {
    signal?.throwIfAborted();
    const mode = await progress.step("check that podman can run containers here", () =>
      ensurePodmanConfig(layout, nginxImageRef(NGINX_TAGS[0])),
    );
    if (mode === "project-config")
      progress.info("podman needs the project's containers.conf here (runc, fixed rlimits)");
  }
  await assertNoStrayNatsNodes(layout);
  await recordNatsClusterSize(layout);
  const started: string[] = [];
  try {
    for (const component of platformComponents(layout)) {
      signal?.throwIfAborted();
      await bringUp(component, { layout, progress }, started);
    }
  } catch (error) {
    // The failure is the news; a server that will not stop is only mentioned.
    await down(layout, progress, started).catch((stopError: unknown) => {
      progress.info(`could not stop everything up started: ${String(stopError)}`);
    });
    throw error;
  }
  return { started };
}

/**
 * Stops, in reverse order, the processes `up` started and recorded; with
 * `only`, just those (a test run stops what it started, nothing more).
 */
export async function down(
  layout: Layout,
  progress: Progress,
  only?: readonly string[],
): Promise<string[]> {
  const stopped: string[] = [];
  // nats-servers of another cluster size (an earlier `up` with another FLEET_NATS_CLUSTER) too.
  const names = [
    ...(await strayNatsNodes(layout)),
    ...[...platformComponents(layout)].reverse().map((component) => component.name),
  ];
  for (const name of names) {
    if (only && !only.includes(name)) continue;
    if (await runningProcess(layout, name)) {
      await progress.step(`stop ${name}`, () => stopProcess(layout, name));
      stopped.push(name);
    }
  }
  await forgetNatsClusterSizeIfStopped(layout);
  if (stopped.length === 0) progress.info("nothing was running");
  return stopped;
}

export interface ComponentStatus {
  name: string;
  running: boolean;
  pid: number | undefined;
  endpoint: string;
}

export async function status(layout: Layout): Promise<ComponentStatus[]> {
  return Promise.all(
    platformComponents(layout).map(async (component) => {
      const record = await runningProcess(layout, component.name);
      return {
        name: component.name,
        running: record !== undefined,
        pid: record?.pid,
        endpoint: component.describe(layout),
      };
    }),
  );
}

function componentNamed(layout: Layout, name: string): Component {
  const components = platformComponents(layout);
  const component = components.find((c) => c.name === name);
  if (!component)
    throw new Error(
      `no local-platform server named ${name}; known: ${components.map((c) => c.name).join(", ")}`,
    );
  return component;
}

/** Stops one server (tests use this to simulate an outage). */
export async function stopServer(layout: Layout, name: string): Promise<void> {
  await stopProcess(layout, componentNamed(layout, name).name);
}

/** SIGKILLs one server, as a crash would end it (its data stays). */
export async function killServer(layout: Layout, name: string): Promise<void> {
  await killProcess(layout, componentNamed(layout, name).name);
}

/** Starts one stopped server again and waits until it is ready; a no-op if it runs. */
export async function startServer(layout: Layout, name: string, progress: Progress): Promise<void> {
  await bringUp(componentNamed(layout, name), { layout, progress });
}
