// `npm run platform -- up | down | status | env`
import { Command } from "commander";
import { ensureBinaries } from "./binaries.js";
import { connectionFor, exportLines } from "./connection.js";
import { ensureNginxImages } from "./nginx-image.js";
import { natsClusterSizeSchema, readPlatformEnv } from "./env.js";
import { isPlatformError, PlatformError } from "./errors.js";
import { layoutFor, type Layout } from "./layout.js";
import { down, status, up } from "./platform.js";
import { consoleProgress } from "./progress.js";

/** The platform of this environment; `natsCluster` (a flag) beats FLEET_NATS_CLUSTER. */
function layout(natsCluster?: string): Layout {
  const env = readPlatformEnv();
  if (natsCluster === undefined) return layoutFor(env);
  const size = natsClusterSizeSchema.safeParse(natsCluster);
  if (!size.success)
    throw new PlatformError(
      `--nats-cluster ${natsCluster}: ${size.error.issues.map((i) => i.message).join("; ")}`,
    );
  return layoutFor({ ...env, FLEET_NATS_CLUSTER: size.data });
}

async function printHowToReach(current: Layout): Promise<void> {
  const connection = await connectionFor(current);
  process.stdout.write(`
The local platform is up.
  Kubernetes API   ${connection.kubeApiUrl}   (kubeconfig ${connection.kubeconfig})
  NATS             ${connection.natsUrls.join(",")}   websocket ${connection.natsWebsocketUrls.join(",")}
  podman API       unix://${connection.podmanSocket}

Use it from this shell:
  eval "$(npm run -s platform -- env)"
  kubectl get --raw /readyz
  nats kv ls
Stop it with:
  npm run platform -- down
`);
}

const program = new Command("platform")
  .description(
    "The fleet's local platform: real kube-apiserver + etcd, nats-server (JetStream) and podman on loopback.",
  )
  .showHelpAfterError();

program
  .command("up")
  .description(
    "build what is missing, start what is not running, and wait until every server is ready",
  )
  .option(
    "--nats-cluster <n>",
    "run NATS as a JetStream cluster of n nodes: 1 (default), 3 or 5 (env FLEET_NATS_CLUSTER); later commands use the size up recorded",
  )
  .option(
    "--toxiproxy",
    "also run Toxiproxy, the TCP fault injector of the fault suite (env FLEET_TOXIPROXY=1); down stops it",
  )
  .action(async (options: { natsCluster?: string; toxiproxy?: boolean }) => {
    const chosen = layout(options.natsCluster);
    const current = options.toxiproxy === true ? { ...chosen, toxiproxy: true } : chosen;
    await up(current, consoleProgress("platform", { platformDir: current.root }));
    await printHowToReach(current);
  });

program
  .command("build")
  .description(
    "build (or find cached) every pinned binary (helm for the chart tests and toxiproxy for the fault suite too) and the local nginx images; start nothing",
  )
  .action(async () => {
    const current = layout();
    const progress = consoleProgress("platform", { platformDir: current.root });
    await ensureBinaries(current, progress, { which: "all" });
    await ensureNginxImages(current, progress);
  });

program
  .command("down")
  .description("stop the servers that `up` started")
  .action(async () => {
    await down(layout(), consoleProgress());
  });

program
  .command("status")
  .description("show which servers are running; exits 1 if any is not")
  .action(async () => {
    const rows = await status(layout());
    for (const row of rows) {
      const state = row.running ? `running (pid ${row.pid ?? "?"})` : "stopped";
      process.stdout.write(`${row.name.padEnd(16)} ${state.padEnd(22)} ${row.endpoint}\n`);
    }
    if (rows.some((row) => !row.running)) process.exitCode = 1;
  });

program
  .command("env")
  .description('print export lines for this shell: eval "$(npm run -s platform -- env)"')
  .action(async () => {
    process.stdout.write(exportLines(await connectionFor(layout())));
  });

try {
  await program.parseAsync();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `platform: ${isPlatformError(error) ? message : ((error instanceof Error ? error.stack : message) ?? message)}\n`,
  );
  process.exitCode = 1;
}
