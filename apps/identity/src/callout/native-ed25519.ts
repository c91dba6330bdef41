// Ed25519 through node:crypto for the nkeys the callout verifies and signs
// with. @nats-io/nkeys signs and verifies with tweetnacl, in plain JavaScript:
// measured on this machine a signature took ~30 ms and a verification ~40 ms,
// so one callout (verify the request, sign the user JWT, sign the response)
// took over 100 ms, and a reconnect storm of 1,000 devices minutes. Node's
// native Ed25519 does each in microseconds. The nkey encoding (base32 with a
// prefix and a checksum) is read with nkeys' own codec.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { Prefix, type KeyPair } from "@nats-io/nkeys";
// The codec is nkeys' own (not re-exported by its index): no second base32 here.
import { Codec } from "@nats-io/nkeys/lib/codec.js";
import { LRUCache } from "lru-cache";

/** The algorithm of a version-2 NATS JWT: Ed25519 over `<header>.<payload>`. */
const NATS_JWT_ALGORITHM = "ed25519-nkey";
/** A server's request JWT is a few KiB at most (client info, TLS chain). */
const MAX_JWT_LENGTH = 64 * 1024;

const utf8 = new TextEncoder();
const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

function ed25519Public(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: base64url(raw) }, format: "jwk" });
}

/** Public keys of the servers seen, decoded once. */
const serverKeys = new LRUCache<string, KeyObject>({ max: 1024 });

function serverPublicKey(nkey: string): KeyObject {
  let key = serverKeys.get(nkey);
  if (key === undefined) {
    key = ed25519Public(Codec.decode(Prefix.Server, utf8.encode(nkey)));
    serverKeys.set(nkey, key);
  }
  return key;
}

/** A JWT that is not a version-2 NATS JWT signed by the server key it names as issuer. */
export class NatsJwtError extends Error {
  override readonly name = "NatsJwtError";
}

/**
 * The claims of a version-2 NATS JWT signed by a server key (`N…`), as
 * nats-server signs its authorization requests; checked with node:crypto.
 */
export function verifyServerJwt(jwt: string): Record<string, unknown> {
  if (jwt.length > MAX_JWT_LENGTH) throw new NatsJwtError("too large");
  const parts = jwt.split(".");
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || !signature) {
    throw new NatsJwtError("not a JWT");
  }
  let claims: unknown;
  try {
    const head = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as unknown;
    if (
      typeof head !== "object" ||
      head === null ||
      (head as { alg?: unknown }).alg !== NATS_JWT_ALGORITHM
    ) {
      throw new NatsJwtError(`not a ${NATS_JWT_ALGORITHM} JWT`);
    }
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch (error) {
    if (error instanceof NatsJwtError) throw error;
    throw new NatsJwtError("not a JWT", { cause: error });
  }
  if (typeof claims !== "object" || claims === null) throw new NatsJwtError("no claims");
  const issuer = (claims as { iss?: unknown }).iss;
  if (typeof issuer !== "string" || !issuer.startsWith("N")) {
    throw new NatsJwtError("not issued by a server key");
  }
  let key: KeyObject;
  try {
    key = serverPublicKey(issuer);
  } catch (error) {
    throw new NatsJwtError("issuer is not a server key", { cause: error });
  }
  const signed = Buffer.from(`${header}.${payload}`, "utf8");
  if (!verify(null, signed, key, Buffer.from(signature, "base64url"))) {
    throw new NatsJwtError("signature does not verify");
  }
  return claims as Record<string, unknown>;
}

/**
 * The same key pair, signing through node:crypto, its public and private keys
 * computed once (nkeys derives them from the seed, in JavaScript, on every call:
 * ~10 ms each, and encoding one JWT asks several times).
 */
export function nativeSigner(pair: KeyPair): KeyPair {
  const publicKey = pair.getPublicKey();
  const encodedPrivateKey = pair.getPrivateKey();
  const raw = Codec.decode(Prefix.Private, encodedPrivateKey);
  const privateKey = createPrivateKey({
    key: {
      kty: "OKP",
      crv: "Ed25519",
      d: base64url(raw.subarray(0, 32)),
      x: base64url(raw.subarray(32)),
    },
    format: "jwk",
  });
  return {
    getPublicKey: () => publicKey,
    getPrivateKey: () => encodedPrivateKey,
    getSeed: () => pair.getSeed(),
    sign: (input) => new Uint8Array(sign(null, input, privateKey)),
    verify: (input, sig) => pair.verify(input, sig),
    clear: () => {
      pair.clear();
    },
    seal: (input, recipient, nonce) => pair.seal(input, recipient, nonce),
    open: (message, sender) => pair.open(message, sender),
  };
}
