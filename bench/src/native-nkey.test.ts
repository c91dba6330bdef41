import { encodeUser, fmtCreds } from "@nats-io/jwt";
import { createAccount, createUser } from "@nats-io/nkeys";
import { credsAuthenticator } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { nativeCredsAuthenticator } from "./native-nkey.js";

describe("nativeCredsAuthenticator - the nkey floor's signer", () => {
  it("sends exactly what nats.js's own creds authenticator sends (Ed25519 is deterministic)", async () => {
    const user = createUser();
    const creds = fmtCreds(await encodeUser("floor", user, createAccount()), user);
    const native = await nativeCredsAuthenticator(creds);
    for (const nonce of ["nonce-1", "aGVsbG8gd29ybGQ"]) {
      expect(native(nonce)).toEqual(credsAuthenticator(creds)(nonce));
    }
  });
});
