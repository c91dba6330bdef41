// The NATS connection: keeps reconnecting forever (an operator outlives NATS
// outages), and tells the caller when it is back so watches and KV are resynced.
import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "../logger.js";

export async function connectNats(
  servers: string[],
  credentialsFile: string | undefined,
  log: Logger,
  onReconnect: () => void,
): Promise<NatsConnection> {
  const nc = await connect({
    servers,
    // A function, so a rotated Secret is picked up at the next reconnect.
    ...(credentialsFile !== undefined && {
      authenticator: credsAuthenticator(() => readFileSync(credentialsFile)),
    }),
    name: "iot-operator",
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    pingInterval: 10_000,
  });
  log.info(
    { server: nc.getServer(), credentials: credentialsFile ?? "none (anonymous)" },
    "connected to NATS",
  );
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") log.warn({ server: status.server }, "NATS disconnected");
      else if (status.type === "reconnect") {
        log.info({ server: status.server }, "NATS reconnected");
        onReconnect();
      }
    }
  })();
  return nc;
}
