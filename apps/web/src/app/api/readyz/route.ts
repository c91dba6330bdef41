// Readiness for probes and people: 200 while the server's NATS connections are
// up (agent-status cache, browser auth callout), else 503 saying why.
import { readiness } from "../../../server/nats/live-services";

export const dynamic = "force-dynamic";

export function GET(): Response {
  const state = readiness();
  return Response.json(state, {
    status: state.ready ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
