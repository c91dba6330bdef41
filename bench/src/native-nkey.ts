// The nkey floor's client, signing the server's nonce with Node's native
// Ed25519 (OpenSSL) instead of nats.js's pure-JS one (tweetnacl, which also
// re-derives the key pair on every connect: 3–13 ms per connect on this
// machine). Same CONNECT on the wire — public nkey, signature of the nonce,
// the JWT of the .creds — so the server does the same work; only the
// simulator's CPU, which plays 1,000 devices in one process, is spared.
import { parseCreds } from "@nats-io/jwt";
import { encode, fromSeed, type KeyPair } from "@nats-io/nkeys";
import type { Authenticator } from "@nats-io/transport-node";
import { createPrivateKey, sign, type KeyObject } from "node:crypto";

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export async function nativeCredsAuthenticator(creds: Uint8Array): Promise<Authenticator> {
  const { key: seed, jwt } = await parseCreds(creds);
  const pair: KeyPair & { getRawSeed?: () => Uint8Array } = fromSeed(
    new TextEncoder().encode(seed),
  );
  // The raw seed is on nkeys' key-pair class, not on its KeyPair interface.
  if (typeof pair.getRawSeed !== "function")
    throw new Error("@nats-io/nkeys no longer exposes getRawSeed");
  const nkey = pair.getPublicKey();
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, pair.getRawSeed()]),
    format: "der",
    type: "pkcs8",
  });
  pair.clear();
  return (nonce?: string) => ({
    jwt,
    nkey,
    sig: encode(sign(null, Buffer.from(nonce ?? ""), privateKey)),
  });
}
