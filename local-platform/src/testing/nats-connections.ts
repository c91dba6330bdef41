// Closing NATS connections from the SERVER side, as an operator of NATS would:
// a kick through the system account, and a credential the server does not know
// (what a revoked one, or one rotated before the server learnt it, looks like).
import { readFile } from "node:fs/promises";
import { createAccount, createUser } from "@nats-io/nkeys";
import { encodeUser, fmtCreds } from "@nats-io/jwt";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { z } from "zod";
import { natsConnectionFor } from "../connection.js";
import { readPlatformEnv } from "../env.js";
import { layoutFor } from "../layout.js";

const connzSchema = z.object({
  server_id: z.string(),
  connections: z.array(z.object({ cid: z.number(), name: z.string().optional() })).default([]),
});

/** A client connection of one nats-server (a cluster's clients spread over its nodes). */
export interface ServerConnection {
  serverId: string;
  cid: number;
}

/**
 * The connections named `name` on every nats-server of the platform (monitoring
 * /connz of each node): `cids` lists their client ids, `connections` says
 * which server holds each; `serverId` is the first node's.
 */
export async function connectionIds(
  name: string,
): Promise<{ serverId: string; cids: number[]; connections: ServerConnection[] }> {
  const { natsNodes } = natsConnectionFor(layoutFor(readPlatformEnv()));
  const perNode = await Promise.all(
    natsNodes.map(async (node) => {
      const res = await fetch(`${node.monitorUrl}/connz?limit=100000`);
      return connzSchema.parse(await res.json());
    }),
  );
  const connections = perNode.flatMap((connz) =>
    connz.connections
      .filter((c) => c.name === name)
      .map((c) => ({ serverId: connz.server_id, cid: c.cid })),
  );
  return {
    serverId: perNode[0]?.server_id ?? "",
    cids: connections.map((c) => c.cid),
    connections,
  };
}

/** Kicks every connection named `name` through the system account; resolves with how many. */
export async function kickConnections(name: string): Promise<number> {
  const connection = natsConnectionFor(layoutFor(readPlatformEnv()));
  const { connections } = await connectionIds(name);
  const system = await connect({
    servers: connection.natsUrls,
    authenticator: credsAuthenticator(await readFile(connection.natsSecrets.systemCreds)),
  });
  try {
    for (const { serverId, cid } of connections) {
      await system.request(`$SYS.REQ.SERVER.${serverId}.KICK`, JSON.stringify({ cid }));
    }
  } finally {
    await system.close();
  }
  return connections.length;
}

/** A well-formed .creds file for an nkey user that nats-server has never heard of. */
export async function unknownCredentials(): Promise<Uint8Array> {
  const user = createUser();
  return fmtCreds(await encodeUser("unknown", user, createAccount()), user);
}
