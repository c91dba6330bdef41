// The service's keys, read from files (Secrets, mode 0600) once at start:
// the callout's nkey seeds as nats-server and `nsc` write them, and the
// PUBLIC half of the dashboard's ticket key. A wrong file is a ConfigError
// naming the setting; a key is never printed.
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "@fleet/runtime";
import { fromCurveSeed, fromSeed, type KeyPair } from "@nats-io/nkeys";
import type { CalloutKeys } from "./callout/auth-request.js";
import { nativeSigner } from "./callout/native-ed25519.js";
import type { SettingName } from "./config/settings.js";

/** Key files are a line or a PEM block; anything much larger is not one. */
const MAX_KEY_FILE_BYTES = 16 * 1024;

export interface ServiceKeys extends CalloutKeys {
  /** Verifies browser tickets (the dashboard's signing key, public half). */
  ticketPublicKey: KeyObject;
}

export interface KeyFiles {
  calloutIssuerSeed: string;
  calloutXkeySeed: string;
  browserTicketPublicKey: string;
}

function problem(setting: SettingName, path: string, reason: string): ConfigError {
  return new ConfigError([
    { setting, source: undefined, reason: `${setting} (${path}): ${reason}` },
  ]);
}

function read(setting: SettingName, path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw problem(
      setting,
      path,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? "?"})`,
    );
  }
  if (bytes.length > MAX_KEY_FILE_BYTES) throw problem(setting, path, "too large for a key file");
  return bytes;
}

function seed(
  setting: SettingName,
  path: string,
  prefix: "SA" | "SX",
  load: (seed: Uint8Array) => KeyPair,
): KeyPair {
  const text = read(setting, path).toString("utf8").trim();
  const what = prefix === "SA" ? "an account nkey seed (SA...)" : "a curve nkey seed (SX...)";
  if (!text.startsWith(prefix)) throw problem(setting, path, `does not hold ${what}`);
  try {
    return load(new TextEncoder().encode(text));
  } catch {
    throw problem(setting, path, `does not hold a valid ${what}`);
  }
}

function ticketPublicKey(path: string): KeyObject {
  const setting = "browserTicketPublicKey";
  const pem = read(setting, path).toString("utf8");
  // The service must never hold the dashboard's signing key.
  if (pem.includes("PRIVATE KEY")) {
    throw problem(setting, path, "holds a PRIVATE key; give the public key only");
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw problem(setting, path, "is not a PEM public key");
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw problem(setting, path, `is a ${key.asymmetricKeyType ?? "?"} key, not Ed25519`);
  }
  return key;
}

export function loadServiceKeys(files: KeyFiles): ServiceKeys {
  return {
    issuer: nativeSigner(seed("calloutIssuerSeed", files.calloutIssuerSeed, "SA", fromSeed)),
    xkey: seed("calloutXkeySeed", files.calloutXkeySeed, "SX", fromCurveSeed),
    ticketPublicKey: ticketPublicKey(files.browserTicketPublicKey),
  };
}
