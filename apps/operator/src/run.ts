// `iot-operator run`, the lifecycle: serve health and metrics at once, wait for
// the leader Lease, open NATS, run the wired controller (controller/wiring.ts)
// until a signal arrives, then stop in order and hand the Lease over. Losing
// the Lease exits at once, so no second writer ever exists.
import { startHttpServer, type Readiness } from "@fleet/runtime";
import type { RunConfig } from "./config.js";
import { wireController } from "./controller/wiring.js";
import { loadKubeConfig } from "./kube/kube-config.js";
import { LeaderElector } from "./leader/lease.js";
import type { Logger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { connectNats, type OperatorNats } from "./nats/connection.js";

/** Exit code when leadership is lost: the supervisor restarts the process as a standby. */
export const EXIT_LEADERSHIP_LOST = 3;

function signalled(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const shutdown = (signal: string): void => {
      log.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}

export async function runOperator(config: RunConfig, log: Logger): Promise<void> {
  const metrics = createMetrics();
  let readiness: Readiness = { ready: false, state: "starting" };
  // Set once NATS is connected (after the Lease): /readyz reads it from then on.
  let nats: OperatorNats | undefined = undefined;
  const http = await startHttpServer({
    port: config.httpPort,
    registry: metrics.registry,
    // Leading without a usable NATS connection is not ready: /readyz says why.
    readiness: () => {
      const health = nats?.health();
      return health && !health.up && readiness.state === "leading"
        ? { ready: false, state: "nats-down", reason: health.reason }
        : readiness;
    },
  });
  log.info(
    { port: http.port, namespace: config.namespace ?? "(all)" },
    "serving /healthz, /readyz and /metrics",
  );

  const kc = loadKubeConfig(config);
  const elector = new LeaderElector(kc, config.lease, log);
  readiness = { ready: true, state: "standby" };
  await elector.acquire();
  metrics.isLeader.set(1);
  readiness = { ready: false, state: "syncing" };
  void elector.keepRenewing((error) => {
    // Stop writing at once: exiting is the only way to be sure no write is in flight.
    metrics.isLeader.set(0);
    log.fatal({ err: error.message }, "leadership lost; exiting");
    process.exit(EXIT_LEADERSHIP_LOST);
  });

  const controller = wireController(config, {
    kc,
    log,
    metrics,
    canWrite: () => elector.isLeader(),
    onListed: () => {
      if (readiness.state === "syncing") readiness = { ready: true, state: "leading" };
    },
  });
  nats = await connectNats(
    config.natsServers,
    config.natsCredentialsFile,
    log,
    (nc) => {
      controller.reconnected(nc);
    },
    `iot-operator/${config.lease.identity}`,
  );
  await controller.useConnection(nats.connection());
  controller.start();

  await signalled(log);
  await controller.stop();
  await elector.release();
  await nats.close();
  await http.close();
}
