// Who nats-server says is connected: the user of each open connection, from
// its monitoring endpoint (/connz). For auth-callout users that is the name in
// the user JWT iot-identity issued (device:<id>, browser:<session>:<role>).
import { z } from "zod";

const connzSchema = z.object({
  connections: z
    .array(z.object({ authorized_user: z.string().optional() }))
    .nullish()
    .transform((connections) => connections ?? []),
});

export async function connectedNatsUsers(natsMonitorUrl: string): Promise<string[]> {
  const url = new URL("/connz", natsMonitorUrl);
  url.searchParams.set("auth", "true");
  url.searchParams.set("state", "open");
  url.searchParams.set("limit", "100000");
  const res = await fetch(url);
  if (!res.ok) throw new Error(`nats-server /connz: HTTP ${res.status}`);
  return connzSchema
    .parse(await res.json())
    .connections.flatMap((c) => (c.authorized_user === undefined ? [] : [c.authorized_user]));
}
