// The callout's and the ticket's keys, read from files (Secrets, mode 0600):
// nkey seeds as nats-server and `nsc` write them, the ticket key as PKCS#8 PEM.
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { fromCurveSeed, fromSeed, type KeyPair } from "@nats-io/nkeys";
import type { CalloutKeys } from "./auth-request";

/** A key file that is missing or not the kind of key it should be, named by its variable. */
export class KeyFileError extends Error {
  override readonly name = "KeyFileError";
}

function seedFrom(variable: string, path: string, prefix: string): Uint8Array {
  const seed = readFileSync(path, "utf8").trim();
  if (!seed.startsWith(prefix)) {
    throw new KeyFileError(
      `${variable}: ${path} does not hold an nkey seed starting with ${prefix}`,
    );
  }
  return new TextEncoder().encode(seed);
}

export function loadTicketKey(variable: string, path: string): KeyObject {
  try {
    const key = createPrivateKey(readFileSync(path));
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new KeyFileError(`${variable}: ${path} is not an Ed25519 private key (PEM)`, {
      cause: error,
    });
  }
}

export function loadCalloutKeys(files: {
  issuerSeedFile: string;
  xkeySeedFile: string;
  ticketKeyFile: string;
  account: string;
}): CalloutKeys {
  let issuer: KeyPair;
  let xkey: KeyPair;
  try {
    issuer = fromSeed(seedFrom("NATS_CALLOUT_ISSUER_SEED_FILE", files.issuerSeedFile, "SA"));
    xkey = fromCurveSeed(seedFrom("NATS_CALLOUT_XKEY_SEED_FILE", files.xkeySeedFile, "SX"));
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new KeyFileError(`cannot read the auth callout's keys: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    issuer,
    xkey,
    ticketPublicKey: createPublicKey(loadTicketKey("LIVE_TICKET_KEY_FILE", files.ticketKeyFile)),
    account: files.account,
  };
}
