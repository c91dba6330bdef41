import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isConfigError } from "@fleet/runtime";
import { createAccount, createCurve } from "@nats-io/nkeys";
import { beforeAll, describe, expect, it } from "vitest";
import { loadServiceKeys, type KeyFiles } from "./keys.js";

let dir: string;
let files: KeyFiles;
const text = new TextDecoder();

async function secret(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "identity-keys-"));
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  files = {
    calloutIssuerSeed: await secret("issuer.nk", `${text.decode(createAccount().getSeed())}\n`),
    calloutXkeySeed: await secret("xkey.nk", `${text.decode(createCurve().getSeed())}\n`),
    browserTicketPublicKey: await secret(
      "ticket.pub.pem",
      publicKey.export({ type: "spki", format: "pem" }),
    ),
  };
  await secret("ticket.pem", privateKey.export({ type: "pkcs8", format: "pem" }));
});

function failure(change: Partial<KeyFiles>): string {
  try {
    loadServiceKeys({ ...files, ...change });
  } catch (error) {
    if (isConfigError(error)) return error.message;
    throw error;
  }
  throw new Error("expected a configuration error");
}

describe("identity keys - loading", () => {
  it("loads the issuer, the xkey and the ticket public key", () => {
    const keys = loadServiceKeys(files);
    expect(keys.issuer.getPublicKey()).toMatch(/^A/);
    expect(keys.xkey.getPublicKey()).toMatch(/^X/);
    expect(keys.ticketPublicKey.asymmetricKeyType).toBe("ed25519");
  });

  it("refuses the dashboard's PRIVATE ticket key: the service holds the public half only", () => {
    expect(failure({ browserTicketPublicKey: join(dir, "ticket.pem") })).toMatch(
      /browserTicketPublicKey .*PRIVATE key/,
    );
  });

  it("names the setting of a seed of the wrong kind", () => {
    expect(failure({ calloutIssuerSeed: files.calloutXkeySeed })).toMatch(
      /calloutIssuerSeed .*does not hold an account nkey seed/,
    );
    expect(failure({ calloutXkeySeed: files.calloutIssuerSeed })).toMatch(
      /calloutXkeySeed .*does not hold a curve nkey seed/,
    );
  });

  it("refuses an RSA public key for tickets", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const path = await secret("rsa.pub.pem", rsa.export({ type: "spki", format: "pem" }));
    expect(failure({ browserTicketPublicKey: path })).toMatch(/rsa key, not Ed25519/);
  });
});
