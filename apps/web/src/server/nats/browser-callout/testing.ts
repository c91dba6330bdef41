// For integration tests: the browser callout started against the local
// platform with its generated keys, as the dashboard starts it, and the key
// tests sign browser tickets with.
import type { KeyObject } from "node:crypto";
import type { PlatformConnection } from "@fleet/local-platform/testing";
import { waitUntil } from "@fleet/local-platform/testing";
import pino from "pino";
import { BrowserAuthCallout } from "./browser-auth";
import { loadCalloutKeys, loadTicketKey } from "./keys";

export interface PlatformCallout {
  auth: BrowserAuthCallout;
  ticketKey: KeyObject;
}

export async function startPlatformCallout(
  connection: PlatformConnection,
): Promise<PlatformCallout> {
  const secrets = connection.natsSecrets;
  const auth = new BrowserAuthCallout({
    servers: [connection.natsUrl],
    calloutCredentialsFile: secrets.calloutCreds,
    systemCredentialsFile: secrets.systemCreds,
    keys: loadCalloutKeys({
      issuerSeedFile: secrets.calloutIssuerSeed,
      xkeySeedFile: secrets.calloutXkeySeed,
      ticketKeyFile: secrets.browserTicketKey,
      account: "$G",
    }),
    log: pino({ level: "silent" }),
  }).start();
  await waitUntil(() => Promise.resolve(auth.health().up), {
    what: "browser auth callout up",
    timeoutMs: 10_000,
  });
  return { auth, ticketKey: loadTicketKey("LIVE_TICKET_KEY_FILE", secrets.browserTicketKey) };
}
