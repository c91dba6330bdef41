// The cached-key xkey box speaks nkeys' wire format both ways (nats-server's
// xkey is the same format), and refuses what was altered or not sealed for us.
import { createCurve } from "@nats-io/nkeys";
import { describe, expect, it } from "vitest";
import { createXkeyBox } from "./xkey-box.js";

const ours = createCurve();
const server = createCurve();
const box = createXkeyBox(ours);
const message = new TextEncoder().encode("an authorization request");

describe("xkey box with a shared key per server", () => {
  it("opens what nkeys sealed for us, again and again with the cached key", () => {
    for (let i = 0; i < 3; i++) {
      const sealed = server.seal(message, ours.getPublicKey());
      expect(box.open(sealed, server.getPublicKey())).toStrictEqual(message);
    }
  });

  it("seals what nkeys opens, with a fresh nonce each time", () => {
    const first = box.seal(message, server.getPublicKey());
    const second = box.seal(message, server.getPublicKey());
    expect(server.open(first, ours.getPublicKey())).toStrictEqual(message);
    expect(server.open(second, ours.getPublicKey())).toStrictEqual(message);
    expect(first).not.toStrictEqual(second);
  });

  it("keeps one shared key per server", () => {
    const other = createCurve();
    const sealed = box.seal(message, other.getPublicKey());
    expect(other.open(sealed, ours.getPublicKey())).toStrictEqual(message);
    expect(server.open(sealed, ours.getPublicKey())).toBeNull();
    expect(
      box.open(server.seal(message, ours.getPublicKey()), server.getPublicKey()),
    ).toStrictEqual(message);
  });

  it("refuses a tampered box, another sender's, a wrong version and a truncated one", () => {
    const sealed = server.seal(message, ours.getPublicKey());
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(box.open(tampered, server.getPublicKey())).toBeNull();
    expect(box.open(sealed, createCurve().getPublicKey())).toBeNull();
    const version = Uint8Array.from(sealed);
    version[3] = 50; // "xkv2"
    expect(box.open(version, server.getPublicKey())).toBeNull();
    expect(box.open(sealed.subarray(0, 28), server.getPublicKey())).toBeNull();
  });

  it("refuses a key pair that is not a curve key", () => {
    expect(() =>
      createXkeyBox({ getSeed: () => new TextEncoder().encode("SUAM") } as never),
    ).toThrow();
  });
});
