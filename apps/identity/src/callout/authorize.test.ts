// Which check a presented credential goes to, and what is refused before any
// check: no token, a token that is no JWT or from an unknown issuer, a browser
// ticket over TCP. (Device tokens are checked against the real IdP in the
// integration tier.)
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import type { AuthorizationRequest } from "@nats-io/jwt";
import { describe, expect, it } from "vitest";
import { SessionVerdicts } from "../browser/session-verdicts.js";
import { AccessTokenVerifier } from "../device/access-token.js";
import { signTestTicket } from "../testing/browser-ticket.js";
import { authorize, type AuthorizeOptions } from "./authorize.js";

const { privateKey } = generateKeyPairSync("ed25519");
const options: AuthorizeOptions = {
  idpIssuer: "https://idp.invalid",
  device: {
    // Never reached by these requests: an unreachable IdP would refuse, not admit.
    verifier: new AccessTokenVerifier({ issuer: "https://idp.invalid", projectId: "1" }),
    policies: { lookup: () => Promise.reject(new Error("no lookup expected")) },
    maxLifetimeMs: 3600_000,
  },
  browser: { ticketPublicKey: createPublicKey(privateKey), verdicts: new SessionVerdicts() },
};

const request = (token: string | undefined, type = "websocket"): AuthorizationRequest => ({
  server_id: { id: "NSERVER", name: "n1", host: "127.0.0.1" },
  user_nkey: "UUSER",
  client_info: { id: 7, type },
  connect_opts: { protocol: 1, ...(token === undefined ? {} : { auth_token: token }) },
});

describe("authorize - which check a credential goes to", () => {
  it("refuses a client without a token as an unknown caller", async () => {
    expect(await authorize(request(undefined), options, Date.now())).toMatchObject({
      admit: false,
      kind: "unknown",
      code: "no-token",
    });
  });

  it("refuses what is not a JWT, and a JWT of an unknown issuer", async () => {
    expect(await authorize(request("hunter2"), options, Date.now())).toMatchObject({
      admit: false,
      code: "unknown-token",
      detail: "the token is not a JWT",
    });
    const foreign = await signTestTicket(
      { sessionId: "s3ss10n-1d-0123456789", issuer: "someone-else" },
      privateKey,
    );
    expect(await authorize(request(foreign), options, Date.now())).toMatchObject({
      admit: false,
      code: "unknown-token",
      detail: "token from an unknown issuer",
    });
  });

  it("admits a browser ticket on a websocket as browser:<session>:<role>, and refuses it over TCP", async () => {
    const ticket = await signTestTicket(
      { sessionId: "s3ss10n-1d-0123456789", role: "deployer" },
      privateKey,
    );
    expect(await authorize(request(ticket), options, Date.now())).toMatchObject({
      admit: true,
      kind: "browser",
      name: "browser:s3ss10n-1d-0123456789:deployer",
    });
    expect(await authorize(request(ticket, "nats"), options, Date.now())).toMatchObject({
      admit: false,
      kind: "browser",
      code: "wrong-connection-type",
    });
  });
});
