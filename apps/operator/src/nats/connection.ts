// The NATS connection: keeps reconnecting forever (an operator outlives NATS
// outages), and tells the caller when it is back so watches and KV are resynced.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "../logger.js";

export async function connectNats(
  servers: string[],
  log: Logger,
  onReconnect: () => void,
): Promise<NatsConnection> {
  const nc = await connect({
    servers,
    name: "iot-operator",
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    pingInterval: 10_000,
  });
  log.info({ server: nc.getServer() }, "connected to NATS");
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
