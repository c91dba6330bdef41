// Connections to the local platform's NATS with a credential, since nothing is
// anonymous. Tests and tools that seed or inspect KV as an outsider use the
// platform admin (every right, local platform only); what plays the operator
// uses the operator's own credential and inbox, and gets exactly its rights.
import { readFile } from "node:fs/promises";
import { OPERATOR_INBOX_PREFIX } from "@fleet/contracts";
import {
  connect,
  credsAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from "@nats-io/transport-node";
import { natsConnectionFor, type PlatformNatsConnection } from "./connection.js";
import { readPlatformEnv } from "./env.js";
import { layoutFor } from "./layout.js";

export interface PlatformNatsOptions extends NodeConnectionOptions {
  /** The platform to reach; by default the one of this process's environment (FLEET_PLATFORM_DIR). */
  connection?: Pick<PlatformNatsConnection, "natsUrls" | "natsSecrets">;
}

async function connectWith(
  credentials: (c: Pick<PlatformNatsConnection, "natsSecrets">) => string,
  { connection, ...options }: PlatformNatsOptions,
): Promise<NatsConnection> {
  const platform = connection ?? natsConnectionFor(layoutFor(readPlatformEnv()));
  return connect({
    // Every node of a cluster: the client picks one and moves on when it goes away.
    servers: platform.natsUrls,
    authenticator: credsAuthenticator(await readFile(credentials(platform))),
    ...options,
  });
}

/** As the platform admin: every right (seed and inspect KV, play many devices). */
export function connectAsAdmin(options: PlatformNatsOptions = {}): Promise<NatsConnection> {
  return connectWith((c) => c.natsSecrets.adminCreds, options);
}

/** As the operator: its credential and inbox prefix, so exactly operatorPermissions. */
export function connectAsOperator(options: PlatformNatsOptions = {}): Promise<NatsConnection> {
  return connectWith((c) => c.natsSecrets.operatorCreds, {
    inboxPrefix: OPERATOR_INBOX_PREFIX,
    ...options,
  });
}
