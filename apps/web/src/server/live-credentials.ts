// Hands the read-only NATS credential (agent-status only) to signed-in browsers
// for the live websocket feed; 401 for anyone else.
import { AGENT_STATUS_FILTER, BUCKET_AGENT_STATUS } from "@fleet/contracts";
import { env } from "../env";
import { currentUser } from "./auth/session";

export interface LiveCredentials {
  servers: string;
  user: string;
  pass: string;
  bucket: string;
  filter: string;
}

export async function liveCredentials(): Promise<Response> {
  if (!(await currentUser())) {
    return Response.json({ error: "Sign in to receive live updates" }, { status: 401 });
  }
  const { NATS_WS_URL, NATS_VIEWER_USER, NATS_VIEWER_PASSWORD } = env();
  const body: LiveCredentials = {
    servers: NATS_WS_URL,
    user: NATS_VIEWER_USER,
    pass: NATS_VIEWER_PASSWORD,
    bucket: BUCKET_AGENT_STATUS,
    filter: AGENT_STATUS_FILTER,
  };
  return Response.json(body, { headers: { "cache-control": "no-store" } });
}
