// Runs the real operator as a child process for integration tests: one node
// process (node --import tsx), so SIGKILL hits the operator itself and not a
// wrapper, with its logs collected and its HTTP endpoints at hand.
import { freePort, platformConnection, waitUntil } from "@fleet/local-platform/testing";
import { execa, type ResultPromise } from "execa";
import { appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";

/** The operator's bin, as its package exports it. */
const MAIN = createRequire(import.meta.url).resolve("@fleet/operator/bin");

export interface OperatorProcess {
  name: string;
  port: number;
  logs: string[];
  child: ResultPromise;
  readiness(): Promise<{ ready: boolean; state: string; reason?: string } | undefined>;
  waitForState(state: string, timeoutMs?: number): Promise<void>;
  metric(name: string, labels?: string): Promise<number>;
  /** Lines of JSON logs whose msg equals `msg`. */
  logsWith(msg: string): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<void>;
  exited(): boolean;
}

export async function startOperator(name: string, args: string[]): Promise<OperatorProcess> {
  const connection = await platformConnection();
  const port = await freePort();
  const logs: string[] = [];
  let done = false;
  const child = execa(
    process.execPath,
    [
      "--import",
      "tsx",
      MAIN,
      "run",
      "--kubeconfig",
      connection.kubeconfig,
      "--nats-url",
      // Every node of the platform's NATS; with a cluster, buckets it creates get one replica per node.
      connection.natsUrls.join(","),
      ...(args.includes("--kv-replicas")
        ? []
        : ["--kv-replicas", String(connection.natsNodes.length)]),
      // The operator runs as itself: its own NATS identity and permissions.
      ...(args.includes("--nats-credentials")
        ? []
        : ["--nats-credentials", connection.natsSecrets.operatorCreds]),
      "--http-port",
      String(port),
      "--identity",
      name,
      ...args,
    ],
    {
      reject: false,
      env: { LOG_LEVEL: process.env.OPERATOR_TEST_LOG_LEVEL ?? "info" },
      buffer: false,
    },
  );
  // Also on disk, to read after a failed run.
  const logFile = join(tmpdir(), `iot-operator-it-${name}.log`);
  const collect = (chunk: Buffer): void => {
    appendFileSync(logFile, chunk);
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") logs.push(line);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  void child.then(() => {
    done = true;
  });

  const readiness = async (): Promise<
    { ready: boolean; state: string; reason?: string } | undefined
  > => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return (await res.json()) as { ready: boolean; state: string; reason?: string };
    } catch {
      return undefined;
    }
  };

  const op: OperatorProcess = {
    name,
    port,
    logs,
    child,
    readiness,
    async waitForState(state, timeoutMs = 30_000) {
      await waitUntil(async () => (await readiness())?.state === state, {
        what: `operator ${name} in state ${state}`,
        timeoutMs,
        hint: `last logs: ${logs.slice(-5).join("\n")}`,
      });
    },
    async metric(metric, labels = "") {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const wanted = labels === "" ? metric : `${metric}{${labels}}`;
      const line = text.split("\n").find((l) => l.startsWith(`${wanted} `));
      return line === undefined ? 0 : Number(line.split(" ")[1]);
    },
    logsWith(msg) {
      return logs
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.msg === msg);
    },
    async stop(signal = "SIGTERM") {
      if (done) return;
      child.kill(signal);
      await child;
    },
    exited: () => done,
  };
  return op;
}
