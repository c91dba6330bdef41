// Closes every live connection of one NATS user, on every server of the
// cluster, without relying on who admitted it (another replica may have):
// the system account asks all servers for that user's connections
// ($SYS.REQ.SERVER.PING.CONNZ filtered by user; for an auth-callout user
// nats-server reports the user JWT's name) and kicks each one on its own
// server ($SYS.REQ.SERVER.<id>.KICK).
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";

export const CONNZ_PING_SUBJECT = "$SYS.REQ.SERVER.PING.CONNZ";
export const kickSubject = (serverId: string): string => `$SYS.REQ.SERVER.${serverId}.KICK`;

/** One user rarely has more than a handful of connections; this is a ceiling per server. */
const MAX_CONNECTIONS_PER_USER = 1024;
/** How long to wait for the first server's answer, and for more servers after each answer. */
const CONNZ_MAX_WAIT_MS = 1500;
const CONNZ_STALL_MS = 250;
const KICK_TIMEOUT_MS = 1000;

const connzAnswerSchema = z.object({
  data: z
    .object({
      server_id: z.string().min(1),
      connections: z.array(z.object({ cid: z.number().int().positive() })).nullish(),
    })
    .optional(),
  error: z.object({ description: z.string().optional() }).loose().optional(),
});

/** A KICK answer without an error (nats-server answers `{ server, data }` or `{ server, error }`). */
function kickSucceeded(answer: string): boolean {
  try {
    return (
      z.object({ error: z.unknown().optional() }).parse(JSON.parse(answer)).error === undefined
    );
  } catch {
    return false;
  }
}

/** The system connection is away: nothing could be looked up or kicked (retry later). */
export class SystemAccountUnavailableError extends Error {
  override readonly name = "SystemAccountUnavailableError";
}

export interface KickReport {
  /** Servers that answered the connection lookup. */
  servers: number;
  kicked: number;
  /** Kicks a server refused or did not answer (the connection may have just closed). */
  failed: number;
}

const utf8 = new TextEncoder();

export async function kickUser(
  system: NatsConnection | undefined,
  user: string,
): Promise<KickReport> {
  if (system === undefined || system.isClosed()) {
    throw new SystemAccountUnavailableError("no system-account connection to look up and kick");
  }
  const query = { auth: true, user, state: 0, limit: MAX_CONNECTIONS_PER_USER };
  const answers = await system.requestMany(CONNZ_PING_SUBJECT, JSON.stringify(query), {
    strategy: "stall",
    stall: CONNZ_STALL_MS,
    maxWait: CONNZ_MAX_WAIT_MS,
  });
  const report: KickReport = { servers: 0, kicked: 0, failed: 0 };
  const kicks: Promise<void>[] = [];
  for await (const answer of answers) {
    const parsed = connzAnswerSchema.safeParse(answer.json());
    if (!parsed.success || parsed.data.data === undefined) continue;
    report.servers++;
    const { server_id: serverId, connections } = parsed.data.data;
    // Kick as each server answers, not after the last one.
    for (const { cid } of connections ?? []) {
      kicks.push(
        system
          .request(kickSubject(serverId), utf8.encode(JSON.stringify({ cid })), {
            timeout: KICK_TIMEOUT_MS,
          })
          .then(
            (reply) => {
              if (kickSucceeded(reply.string())) report.kicked++;
              else report.failed++;
            },
            () => {
              report.failed++;
            },
          ),
      );
    }
  }
  await Promise.all(kicks);
  if (report.servers === 0) {
    throw new SystemAccountUnavailableError("no server answered the connection lookup");
  }
  return report;
}
