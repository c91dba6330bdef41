// The dashboard's side of a sign-out against the real nats-server and the
// identity service: the verdict goes out on the dashboard's own NATS
// credential, and the session's live browser connection is closed.
import { randomBytes } from "node:crypto";
import { startPlatformIdentity, type PlatformIdentity } from "@fleet/identity/testing";
import {
  platformConnection,
  waitUntil,
  type PlatformConnection,
} from "@fleet/local-platform/testing";
import { silentLogger } from "@fleet/runtime";
import { wsconnect } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintBrowserTicket } from "./browser-tickets/ticket";
import { SessionVerdictPublisher } from "./session-verdicts";

let connection: PlatformConnection;
let identity: PlatformIdentity;
let sessions: SessionVerdictPublisher;

beforeAll(async () => {
  connection = await platformConnection();
  identity = await startPlatformIdentity({ connection });
  sessions = new SessionVerdictPublisher(
    { servers: [connection.natsUrl], credentialsFile: connection.natsSecrets.dashboardCreds },
    silentLogger(),
  ).start();
  await waitUntil(() => Promise.resolve(sessions.health().up), {
    what: "the dashboard's verdict connection up",
    timeoutMs: 10_000,
  });
});

afterAll(async () => {
  await sessions.stop();
  await identity.stop();
});

describe("session verdicts - the dashboard signs a session out", () => {
  it("the verdict closes the session's live connection, and this replica remembers it", async () => {
    const sessionId = randomBytes(16).toString("base64url");
    const { ticket } = await mintBrowserTicket(
      { sessionId, role: "viewer", sessionExpiresAt: Date.now() + 3600_000 },
      identity.ticketKey,
    );
    const browser = await wsconnect({
      servers: connection.natsWebsocketUrl,
      token: ticket,
      reconnect: false,
    });
    const closed = browser.closed();
    expect(sessions.knownRole(sessionId)).toBeUndefined();
    await sessions.decide({ sessionId, role: null, until: Date.now() + 3600_000 });
    expect(sessions.knownRole(sessionId)).toBeNull();
    await closed;
    await expect(
      wsconnect({ servers: connection.natsWebsocketUrl, token: ticket, reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });
});
