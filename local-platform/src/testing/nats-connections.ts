// Closing NATS connections from the SERVER side, as an operator of NATS would:
// a kick through the system account, and a credential the server does not know
// (what a revoked one, or one rotated before the server learnt it, looks like).
import { readFile } from "node:fs/promises";
import { createAccount, createUser } from "@nats-io/nkeys";
import { encodeUser, fmtCreds } from "@nats-io/jwt";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { z } from "zod";
import { connectionFor } from "../connection.js";
import { readPlatformEnv } from "../env.js";
import { layoutFor } from "../layout.js";

const connzSchema = z.object({
  server_id: z.string(),
  connections: z.array(z.object({ cid: z.number(), name: z.string().optional() })).default([]),
});

/** The client ids of the platform nats-server's connections named `name` (monitoring /connz). */
export async function connectionIds(name: string): Promise<{ serverId: string; cids: number[] }> {
  const { natsMonitorUrl } = await connectionFor(layoutFor(readPlatformEnv()));
  const res = await fetch(`${natsMonitorUrl}/connz?limit=100000`);
  const connz = connzSchema.parse(await res.json());
  return {
    serverId: connz.server_id,
    cids: connz.connections.filter((c) => c.name === name).map((c) => c.cid),
  };
}

/** Kicks every connection named `name` through the system account; resolves with how many. */
export async function kickConnections(name: string): Promise<number> {
  const connection = await connectionFor(layoutFor(readPlatformEnv()));
  const { serverId, cids } = await connectionIds(name);
  const system = await connect({
    servers: connection.natsUrl,
    authenticator: credsAuthenticator(await readFile(connection.natsSecrets.systemCreds)),
  });
  try {
    for (const cid of cids) {
      await system.request(`$SYS.REQ.SERVER.${serverId}.KICK`, JSON.stringify({ cid }));
    }
  } finally {
    await system.close();
  }
  return cids.length;
}

/** A well-formed .creds file for an nkey user that nats-server has never heard of. */
export async function unknownCredentials(): Promise<Uint8Array> {
  const user = createUser();
  return fmtCreds(await encodeUser("unknown", user, createAccount()), user);
}
