// The xkey (Curve25519 box) that seals auth-callout requests and answers, with
// the shared key computed once per server. @nats-io/nkeys' CurveKP.seal/open
// call tweetnacl's box/box.open, which redo the X25519 key agreement on every
// message: measured ~1.1 ms to open a request and ~1.6 ms to seal an answer,
// most of a callout's CPU. A server keeps its xkey until it restarts, so
// `box.before` once per server key and `box.after`/`box.open.after` per message
// (microseconds). The wire format is nkeys' own: "xkv1", a 24-byte nonce, then
// the box.
import { Prefix, type KeyPair } from "@nats-io/nkeys";
// The codec is nkeys' own (not re-exported by its index): no second base32 here.
import { Codec } from "@nats-io/nkeys/lib/codec.js";
import { LRUCache } from "lru-cache";
import nacl from "tweetnacl";

/** nkeys' xkey version header, "xkv1". */
const XKEY_VERSION_V1 = Uint8Array.from([120, 107, 118, 49]);
const NONCE_LENGTH = nacl.box.nonceLength;
/** Servers of one cluster, a few restarts each: a handful of keys at any time. */
const MAX_SERVER_KEYS = 256;

const utf8 = new TextEncoder();

export interface XkeyBox {
  /** Seals `message` for the holder of `recipient` (a curve public key, "X..."). */
  seal(message: Uint8Array, recipient: string): Uint8Array;
  /** Opens what `sender` sealed for us; null when it was not (or was altered). */
  open(sealed: Uint8Array, sender: string): Uint8Array | null;
}

/** A box for our curve key pair (its seed never leaves this closure). */
export function createXkeyBox(ours: KeyPair): XkeyBox {
  const seed = Codec.decodeSeed(ours.getSeed());
  if (seed.prefix !== Prefix.Curve) throw new Error("xkey: not a curve (X) key pair");
  const secret = seed.buf;
  const shared = new LRUCache<string, Uint8Array>({ max: MAX_SERVER_KEYS });

  const sharedKey = (peer: string): Uint8Array => {
    let key = shared.get(peer);
    if (key === undefined) {
      key = nacl.box.before(Codec.decode(Prefix.Curve, utf8.encode(peer)), secret);
      shared.set(peer, key);
    }
    return key;
  };

  return {
    seal(message, recipient) {
      const nonce = nacl.randomBytes(NONCE_LENGTH);
      const box = nacl.box.after(message, nonce, sharedKey(recipient));
      const out = new Uint8Array(XKEY_VERSION_V1.length + NONCE_LENGTH + box.length);
      out.set(XKEY_VERSION_V1, 0);
      out.set(nonce, XKEY_VERSION_V1.length);
      out.set(box, XKEY_VERSION_V1.length + NONCE_LENGTH);
      return out;
    },
    open(sealed, sender) {
      const header = XKEY_VERSION_V1.length;
      if (sealed.length <= header + NONCE_LENGTH) return null;
      if (XKEY_VERSION_V1.some((byte, i) => sealed[i] !== byte)) return null;
      const nonce = sealed.subarray(header, header + NONCE_LENGTH);
      return nacl.box.open.after(sealed.subarray(header + NONCE_LENGTH), nonce, sharedKey(sender));
    },
  };
}
