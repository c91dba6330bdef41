// The platform's NATS nodes by the name JetStream gives them (a stream's
// leader is a server_name): killed as a crash would end one, and started again.
import {
  killServer,
  platformConnection,
  startServer,
  type ServerName,
} from "@fleet/local-platform/testing";

/** The platform's process name of the node JetStream calls `serverName`. */
async function nodeNamed(serverName: string): Promise<ServerName> {
  const nodes = (await platformConnection()).natsNodes;
  const node = nodes.find((n) => n.serverName === serverName);
  if (node === undefined)
    throw new Error(
      `no NATS node ${serverName}; known: ${nodes.map((n) => n.serverName).join(", ")}`,
    );
  // natsNodes names are the platform's process names: nats-server or nats-server-<n>.
  return node.name as ServerName;
}

/** SIGKILLs the node JetStream calls `serverName` (its store stays). */
export async function killNatsNode(serverName: string): Promise<void> {
  await killServer(await nodeNamed(serverName));
}

/** Starts the node again; resolves once it is ready (replicasCurrent: once it caught up). */
export async function startNatsNode(serverName: string): Promise<void> {
  await startServer(await nodeNamed(serverName));
}
