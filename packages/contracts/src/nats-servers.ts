// The NATS server list every part is configured with (operator, agent,
// dashboard): comma-separated text from a flag or the environment, or a JSON
// array from a config file, each entry a NATS URL or host:port. One schema, so
// the three accept the same values and name a bad entry the same way.
import { z } from "zod";

/** Servers in one list; a NATS cluster has a handful, 3 or 5 in production. */
export const NATS_SERVERS_MAX_ITEMS = 32;
/** One server URL, in characters. */
export const NATS_SERVER_MAX_LENGTH = 2048;

const NATS_PROTOCOLS = ["nats:", "tls:", "ws:", "wss:"];
const NATS_URL_RULE = "is not a NATS URL such as nats://host:4222 (or host:port)";

/** True for `nats|tls|ws|wss://host[:port]` and the bare `host:port` that nats.js also accepts. */
export function isNatsServerUrl(text: string): boolean {
  try {
    const url = new URL(text.includes("://") ? text : `nats://${text}`);
    // Only websockets may have a path (a proxy's /nats); a path elsewhere is a typo.
    const pathOk = url.protocol.startsWith("ws") || url.pathname === "" || url.pathname === "/";
    return NATS_PROTOCOLS.includes(url.protocol) && url.hostname !== "" && pathOk;
  } catch {
    return false;
  }
}

/** "a, b" → ["a", "b"]; arrays (a config file's form) pass through as they are. */
function fromCommaList(value: unknown): unknown {
  return typeof value === "string" ? value.split(",").map((part) => part.trim()) : value;
}

export const natsServerSchema = z
  .string()
  .max(NATS_SERVER_MAX_LENGTH, `must be at most ${NATS_SERVER_MAX_LENGTH} characters`)
  .refine(isNatsServerUrl, { error: (issue) => `"${String(issue.input)}" ${NATS_URL_RULE}` });

/** A list of NATS servers, as comma-separated text or an array; at least one. */
export const natsServersSchema = z.preprocess(
  fromCommaList,
  z
    .array(natsServerSchema)
    .min(1, "must list at least one NATS server")
    .max(NATS_SERVERS_MAX_ITEMS, `must list at most ${NATS_SERVERS_MAX_ITEMS} NATS servers`),
);
