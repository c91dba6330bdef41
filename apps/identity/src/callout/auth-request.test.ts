// The callout exchange without NATS: a request built and sealed as nats-server
// builds it, opened, decided and answered; forged or stale requests are dropped.
import { Algorithms, decode, encode, type AuthorizationResponse, type User } from "@nats-io/jwt";
import { createAccount, createCurve, createServer, createUser } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../metrics.js";
import { silentLogger } from "@fleet/runtime";
import { openAuthRequest, UnanswerableRequestError } from "./auth-request.js";
import type { Decision } from "./decision.js";
import { answerCallout, type ResponderOptions } from "./responder.js";

const keys = { issuer: createAccount(), xkey: createCurve() };
const server = createServer();
const serverXkey = createCurve();
const user = createUser();
const now = Date.now();
const utf8 = new TextEncoder();

async function sealedRequest(
  options: { signer?: typeof server; audience?: string; expiresAt?: number; token?: string } = {},
): Promise<Uint8Array> {
  const signer = options.signer ?? server;
  const jwt = await encode(
    Algorithms.v2,
    {
      aud: options.audience ?? "nats-authorization-request",
      jti: "",
      iat: 0,
      iss: "",
      name: "",
      sub: keys.issuer.getPublicKey(),
      exp: Math.floor((options.expiresAt ?? now + 2000) / 1000),
      nats: {
        server_id: { id: server.getPublicKey(), name: "n1", host: "127.0.0.1" },
        user_nkey: user.getPublicKey(),
        client_info: { id: 7, type: "nats", kind: "Client" },
        connect_opts: { protocol: 1, auth_token: options.token ?? "t0ken" },
        type: "authorization_request",
        version: 2,
      },
    },
    signer,
  );
  return serverXkey.seal(utf8.encode(jwt), keys.xkey.getPublicKey());
}

function responder(decision: Decision): ResponderOptions {
  return {
    keys,
    account: "$G",
    decide: () => Promise.resolve(decision),
    metrics: createMetrics(),
    log: silentLogger(),
  };
}

function openResponse(reply: Uint8Array) {
  const opened = serverXkey.open(reply, keys.xkey.getPublicKey());
  if (!opened) throw new Error("the reply is not sealed for the server");
  return decode<AuthorizationResponse>(new TextDecoder().decode(opened));
}

describe("auth callout - answering a request", () => {
  it("admits with a user JWT for the connecting user, signed by the issuer, sealed for the server", async () => {
    const outcome = await answerCallout(
      { data: await sealedRequest(), serverXkey: serverXkey.getPublicKey() },
      responder({
        admit: true,
        kind: "device",
        name: "device:pi-a",
        claims: { pub: { allow: ["a"] } },
        expiresAt: now + 60_000,
        subject: "pi-a",
      }),
      now,
    );
    if (!outcome.answered) throw new Error(outcome.reason);
    const response = openResponse(outcome.reply);
    expect(response.aud).toBe(server.getPublicKey());
    expect(response.sub).toBe(user.getPublicKey());
    expect(response.iss).toBe(keys.issuer.getPublicKey());
    const userJwt = decode<User>(response.nats.jwt ?? "");
    expect(userJwt.name).toBe("device:pi-a");
    expect(userJwt.sub).toBe(user.getPublicKey());
    expect(userJwt.aud).toBe("$G");
    expect(userJwt.exp).toBe(Math.floor((now + 60_000) / 1000));
    expect(userJwt.nats.pub).toStrictEqual({ allow: ["a"] });
  });

  it("refuses with the reason's code only (never the detail)", async () => {
    const outcome = await answerCallout(
      { data: await sealedRequest(), serverXkey: serverXkey.getPublicKey() },
      responder({ admit: false, kind: "device", code: "device-disabled", detail: "pi-a off" }),
      now,
    );
    if (!outcome.answered) throw new Error(outcome.reason);
    const response = openResponse(outcome.reply);
    expect(response.nats.error).toBe("device-disabled");
    expect(response.nats.jwt).toBeUndefined();
  });
});

describe("auth callout - requests that get no answer", () => {
  const open = async (
    data: Promise<Uint8Array> | Uint8Array,
    /** null: no xkey header at all. */
    xkey: string | null = serverXkey.getPublicKey(),
  ) => {
    try {
      openAuthRequest({ data: await data, serverXkey: xkey ?? undefined }, keys, now);
      return "opened";
    } catch (error) {
      if (error instanceof UnanswerableRequestError) return error.message;
      throw error;
    }
  };

  it("opens a well-formed request", async () => {
    expect(await open(sealedRequest())).toBe("opened");
  });

  it("drops a clear (unsealed) request, and one sealed for another xkey", async () => {
    expect(await open(sealedRequest(), null)).toMatch(/not encrypted/);
    expect(await open(sealedRequest(), createCurve().getPublicKey())).toMatch(/not sealed/);
  });

  it("drops a request signed by another server than the one it names", async () => {
    expect(await open(sealedRequest({ signer: createServer() }))).toMatch(
      /not signed by the server/,
    );
  });

  it("drops what is not an authorization request, or is stale", async () => {
    expect(await open(sealedRequest({ audience: "something-else" }))).toMatch(
      /not an auth request/,
    );
    expect(await open(sealedRequest({ expiresAt: now - 5000 }))).toMatch(/expired/);
  });

  it("drops a request just past its exp (no grace: the server gave up on it)", async () => {
    expect(await open(sealedRequest({ expiresAt: now - 1 }))).toMatch(/expired/);
    expect(await open(sealedRequest({ expiresAt: now + 1000 }))).toBe("opened");
  });

  it("drops an expired request before checking its signature, counted as expired-request", async () => {
    expect(await open(sealedRequest({ signer: createServer(), expiresAt: now - 1 }))).toMatch(
      /expired/,
    );
    const options = responder({ admit: false, kind: "device", code: "device-unknown", detail: "" });
    const outcome = await answerCallout(
      { data: await sealedRequest({ expiresAt: now - 1 }), serverXkey: serverXkey.getPublicKey() },
      options,
      now,
    );
    expect(outcome).toMatchObject({ answered: false, code: "expired-request" });
  });

  it("drops an oversized request unread", async () => {
    expect(await open(new Uint8Array(64 * 1024 + 1))).toMatch(/too large/);
  });
});
