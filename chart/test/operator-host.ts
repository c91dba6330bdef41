// Runs the real operator (its bin, @fleet/operator/bin) as a host process,
// configured the way the chart configures its pod: the installed Deployment's
// args and env, with only what differs outside a cluster replaced (NATS
// address, HTTP port, the downward-API pod name) and the ServiceAccount's
// kubeconfig instead of the in-cluster token.
import { freePort, waitUntil } from "@fleet/local-platform/testing";
import type { V1Deployment } from "@kubernetes/client-node";
import { execa } from "execa";
import { createRequire } from "node:module";
import { REPO_ROOT } from "./helm.js";

const MAIN = createRequire(import.meta.url).resolve("@fleet/operator/bin");

export interface HostOperator {
  port: number;
  env: Record<string, string>;
  logs: string[];
  state(): Promise<string | undefined>;
  waitForState(state: string): Promise<void>;
  stop(): Promise<void>;
}

/** The container's plain env; valueFrom entries come from the pod, so the caller supplies them. */
export function chartEnv(deployment: V1Deployment): {
  args: string[];
  env: Record<string, string>;
  fromPod: string[];
} {
  const container = deployment.spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error("the operator Deployment has no container");
  const env: Record<string, string> = {};
  const fromPod: string[] = [];
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else fromPod.push(e.name);
  }
  return { args: container.args ?? [], env, fromPod };
}

export async function startHostOperator(
  deployment: V1Deployment,
  overrides: {
    kubeconfigFile: string;
    natsUrl: string;
    natsCredentialsFile: string;
    podName: string;
  },
): Promise<HostOperator> {
  const { args, env: fromChart, fromPod } = chartEnv(deployment);
  if (fromPod.join() !== "POD_NAME")
    throw new Error(`unexpected pod-sourced env: ${fromPod.join()}`);
  const port = await freePort();
  const env = {
    ...fromChart,
    NATS_URL: overrides.natsUrl,
    NATS_CREDENTIALS_FILE: overrides.natsCredentialsFile,
    HTTP_PORT: String(port),
    POD_NAME: overrides.podName,
  };
  const logs: string[] = [];
  const child = execa(
    process.execPath,
    ["--import", "tsx", MAIN, ...args, "--kubeconfig", overrides.kubeconfigFile],
    // Only the chart's environment: nothing from this shell may help the operator along.
    { cwd: REPO_ROOT, env, extendEnv: false, reject: false, buffer: false },
  );
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") logs.push(line);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = false;
  void child.then(() => {
    exited = true;
  });

  const state = async (): Promise<string | undefined> => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return ((await res.json()) as { state?: string }).state;
    } catch {
      return undefined;
    }
  };
  return {
    port,
    env,
    logs,
    state,
    async waitForState(wanted) {
      try {
        await waitUntil(async () => !exited && (await state()) === wanted, {
          what: `operator in state ${wanted}`,
          timeoutMs: 30_000,
        });
      } catch (error) {
        throw new Error(`exited: ${exited}; last logs:\n${logs.slice(-10).join("\n")}`, {
          cause: error,
        });
      }
    },
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      await child;
    },
  };
}
