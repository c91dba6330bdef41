// What the agent's fault scenarios need of the fault suite's platform (three
// NATS nodes) beyond its FaultWorld (which makes the buckets R3): a device's
// connection found and cut on whichever node it landed (each node's
// monitoring endpoint, a kick through the system account).
import { readFile } from "node:fs/promises";
import { platformConnection } from "@fleet/local-platform/testing";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { z } from "zod";

const connzSchema = z.object({
  server_id: z.string(),
  connections: z.array(z.object({ cid: z.number(), name: z.string().optional() })).default([]),
});

export interface ClientConnection {
  serverId: string;
  cid: number;
}

/** Every connection named `name`, on every node of the cluster. */
export async function connectionsNamed(name: string): Promise<ClientConnection[]> {
  const connection = await platformConnection();
  const found: ClientConnection[] = [];
  for (const node of connection.natsNodes) {
    const res = await fetch(`${node.monitorUrl}/connz?limit=100000`);
    const connz = connzSchema.parse(await res.json());
    for (const c of connz.connections)
      if (c.name === name) found.push({ serverId: connz.server_id, cid: c.cid });
  }
  return found;
}

/** Cuts every connection named `name`, server-side; resolves with how many. */
export async function kickConnectionsNamed(name: string): Promise<number> {
  const connection = await platformConnection();
  const targets = await connectionsNamed(name);
  const system = await connect({
    servers: connection.natsUrls,
    authenticator: credsAuthenticator(await readFile(connection.natsSecrets.systemCreds)),
  });
  try {
    for (const { serverId, cid } of targets)
      await system.request(`$SYS.REQ.SERVER.${serverId}.KICK`, JSON.stringify({ cid }));
  } finally {
    await system.close();
  }
  return targets.length;
}
