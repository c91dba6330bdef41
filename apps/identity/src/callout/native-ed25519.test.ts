import { Algorithms, decode, encode } from "@nats-io/jwt";
import { createAccount, createServer } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import { NatsJwtError, nativeSigner, verifyServerJwt } from "./native-ed25519.js";

const claims = { aud: "a", jti: "", iat: 0, iss: "", name: "", sub: "s", nats: { x: 1 } };
const utf8 = new TextEncoder();

function refusal(jwt: string): string {
  try {
    verifyServerJwt(jwt);
  } catch (error) {
    if (error instanceof NatsJwtError) return error.message;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("native Ed25519 - the same signatures as nkeys, natively", () => {
  it("a native signature verifies with nkeys, and a JWT it signs decodes with @nats-io/jwt", async () => {
    const pair = createAccount();
    const native = nativeSigner(pair);
    const data = utf8.encode("request");
    expect(pair.verify(data, native.sign(data))).toBe(true);
    expect(native.getPublicKey()).toBe(pair.getPublicKey());
    const jwt = await encode(Algorithms.v2, { ...claims }, native);
    expect(decode(jwt).iss).toBe(pair.getPublicKey());
  });

  it("verifies a server's JWT signed by nkeys, and returns its claims", async () => {
    const server = createServer();
    const jwt = await encode(Algorithms.v2, { ...claims }, server);
    expect(verifyServerJwt(jwt)).toMatchObject({ iss: server.getPublicKey(), nats: { x: 1 } });
  });

  it("refuses other claims under the signature, another signer, a non-server key, and junk", async () => {
    const server = createServer();
    const jwt = await encode(Algorithms.v2, { ...claims }, server);
    const [header, , signature] = jwt.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...claims, iss: server.getPublicKey(), nats: { x: 2 } }),
    ).toString("base64url");
    expect(refusal(`${String(header)}.${forged}.${String(signature)}`)).toMatch(/signature/);
    const other = await encode(Algorithms.v2, { ...claims }, createServer());
    const [, otherPayload] = other.split(".");
    expect(refusal(`${String(header)}.${String(otherPayload)}.${String(signature)}`)).toMatch(
      /signature/,
    );
    expect(refusal(await encode(Algorithms.v2, { ...claims }, createAccount()))).toMatch(
      /server key/,
    );
    expect(refusal("not.a.jwt")).toMatch(/not a JWT/);
    expect(refusal(await encode(Algorithms.v1, { ...claims }, server))).toMatch(/ed25519-nkey/);
  });
});
