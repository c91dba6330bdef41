// The key the dashboard signs browser tickets with, read from a file (a
// Secret, mode 0600) as PKCS#8 PEM. Its public half goes to the identity
// service, which verifies the tickets.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

/** A key file that is missing or not the kind of key it should be, named by its variable. */
export class KeyFileError extends Error {
  override readonly name = "KeyFileError";
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
