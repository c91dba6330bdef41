// The local platform's IdP and NATS, as the identity tests see them: a knob
// for one device's token lifetime (the local IdP reads it from the machine
// user's metadata; real Zitadel has one instance-wide setting), and the
// connections nats-server has closed, with the reason it gives.
import { platformConnection, platformZitadel } from "@fleet/local-platform/testing";
import { LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY } from "@fleet/zitadel";
import { z } from "zod";

/** From now on the local IdP gives `userId`'s access tokens this lifetime. */
export async function setTokenLifetime(userId: string, seconds: number): Promise<void> {
  const { management } = await platformZitadel();
  await management.setMetadata(userId, LOCAL_ACCESS_TOKEN_LIFETIME_METADATA_KEY, String(seconds));
}

const closedSchema = z.object({
  connections: z
    .array(z.object({ name: z.string().optional(), reason: z.string().optional() }))
    .default([]),
});

/**
 * Why the platform's nats-servers (every node of a cluster) closed each of their
 * recently closed connections named `name` (monitoring /connz).
 */
export async function closedConnectionReasons(name: string): Promise<string[]> {
  const { natsNodes } = await platformConnection();
  const perNode = await Promise.all(
    natsNodes.map(async ({ monitorUrl }) => {
      const response = await fetch(`${monitorUrl}/connz?state=closed&limit=100000`);
      return closedSchema.parse(await response.json()).connections;
    }),
  );
  return perNode
    .flat()
    .filter((c) => c.name === name)
    .map((c) => c.reason ?? "");
}
