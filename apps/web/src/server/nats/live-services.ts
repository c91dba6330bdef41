// The dashboard server's NATS parts, created once per process (kept on
// globalThis so Next's dev reloads reuse them): the agent-status cache, the
// session verdicts it publishes for the identity service (which answers the
// browsers' auth callout), and the key that signs browser tickets.
// /api/readyz reports their health.
import type { KeyObject } from "node:crypto";
import type { NatsHealth } from "@fleet/nats";
import { env } from "../../env";
import { logger } from "../../logger";
import { AgentStatusCache } from "./agent-status-cache";
import { loadTicketKey } from "./browser-tickets/keys";
import { SessionVerdictPublisher } from "./session-verdicts";

interface LiveServices {
  agentStatus: AgentStatusCache;
  sessions: SessionVerdictPublisher;
  ticketKey: KeyObject;
}

const holder = globalThis as typeof globalThis & { fleetLiveServices?: LiveServices };

function create(): LiveServices {
  const e = env();
  const log = logger();
  return {
    agentStatus: new AgentStatusCache(
      { servers: e.NATS_URL, credentialsFile: e.NATS_CREDENTIALS_FILE },
      log,
    ).start(),
    sessions: new SessionVerdictPublisher(
      { servers: e.NATS_URL, credentialsFile: e.NATS_CREDENTIALS_FILE },
      log,
    ).start(),
    ticketKey: loadTicketKey("LIVE_TICKET_KEY_FILE", e.LIVE_TICKET_KEY_FILE),
  };
}

export function liveServices(): LiveServices {
  holder.fleetLiveServices ??= create();
  return holder.fleetLiveServices;
}

export interface Readiness {
  ready: boolean;
  /** One line per part that is not ready, saying why. */
  reasons: string[];
}

/** Ready when every part is up; otherwise each part that is not, with its reason. */
export function readinessOf(parts: { part: string; health: NatsHealth }[]): Readiness {
  const reasons = parts
    .filter(({ health }) => !health.up)
    .map(({ part, health }) => `${part}: ${health.reason}`);
  return { ready: reasons.length === 0, reasons };
}

export function readiness(): Readiness {
  const { agentStatus, sessions } = liveServices();
  return readinessOf([
    { part: "agent-status cache", health: agentStatus.health() },
    { part: "session verdicts", health: sessions.health() },
  ]);
}
