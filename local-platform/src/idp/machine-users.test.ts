import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { machineUsersFile, MachineUserError, MachineUserStore } from "./machine-users.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-machine-users-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<MachineUserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MachineUserError))
    throw new Error(`expected a MachineUserError: ${String(error)}`);
  return error;
}

describe("local IdP - machine-user store", () => {
  it("hands out the private key once and keeps only its public half, on disk 0600", async () => {
    const store = await MachineUserStore.open(dir);
    const userId = await store.addMachineUser({ userName: "pi", name: "Pi", description: "" });
    const key = await store.addKey(userId, undefined);
    expect(key).toMatchObject({ type: "serviceaccount", userId });
    expect(key.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const kept = store.activeKey(userId, key.keyId);
    expect(createPublicKey(kept?.publicKey ?? "").export({ format: "jwk" })).toEqual(
      createPublicKey(createPrivateKey(key.key)).export({ format: "jwk" }),
    );
    const file = machineUsersFile(dir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).not.toContain("PRIVATE KEY");
  });

  it("registers a holder's RSA public key as given (no private key), and refuses other keys", async () => {
    const store = await MachineUserStore.open(dir);
    const userId = await store.addMachineUser({ userName: "pi", name: "Pi", description: "" });
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1 = publicKey.export({ type: "pkcs1", format: "pem" }).toString();
    const keyId = await store.addPublicKey(userId, pkcs1, undefined);
    expect(
      createPublicKey(store.activeKey(userId, keyId)?.publicKey ?? "").export({ format: "jwk" }),
    ).toEqual(publicKey.export({ format: "jwk" }));
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const short = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    const spki = (key: KeyObject): string => key.export({ type: "spki", format: "pem" }).toString();
    expect((await refusal(store.addPublicKey(userId, spki(ec), undefined))).message).toBe(
      "publicKey must be an RSA key (got ec)",
    );
    expect((await refusal(store.addPublicKey(userId, spki(short), undefined))).message).toBe(
      "publicKey must have at least 2048 bits (got 1024)",
    );
    expect((await refusal(store.addPublicKey(userId, "garbage", undefined))).code).toBe(
      "invalid_argument",
    );
    expect(Object.keys(store.user(userId)?.keys ?? {})).toEqual([keyId]);
  });

  it("reads back users, keys, state and metadata after reopening", async () => {
    const store = await MachineUserStore.open(dir);
    const userId = await store.addMachineUser({ userName: "pi", name: "Pi", description: "d" });
    const { keyId } = await store.addKey(userId, undefined);
    await store.setActive(userId, false);
    await store.setMetadata(userId, "k", Buffer.from("5").toString("base64"));
    const reopened = await MachineUserStore.open(dir);
    expect(reopened.user(userId)).toMatchObject({ userName: "pi", active: false });
    expect(reopened.activeKey(userId, keyId)).toBeDefined();
    expect(reopened.metadata(userId, "k")).toBe("5");
    expect(reopened.userIdByName("pi")).toBe(userId);
  });

  it("refuses a taken user name, unknown users and keys, and a state change that changes nothing", async () => {
    const store = await MachineUserStore.open(dir);
    const userId = await store.addMachineUser({ userName: "pi", name: "Pi", description: "" });
    expect(
      (await refusal(store.addMachineUser({ userName: "pi", name: "x", description: "" }))).code,
    ).toBe("already_exists");
    expect((await refusal(store.addKey("404", undefined))).code).toBe("not_found");
    expect((await refusal(store.removeKey(userId, "404"))).code).toBe("not_found");
    expect((await refusal(store.setActive(userId, true))).code).toBe("failed_precondition");
    expect((await refusal(store.addKey(userId, new Date(Date.now() - 1000)))).code).toBe(
      "invalid_argument",
    );
    // A refused change leaves nothing behind, in memory or on disk.
    expect(Object.keys(store.user(userId)?.keys ?? {})).toEqual([]);
    expect((await MachineUserStore.open(dir)).user(userId)?.keys).toEqual({});
  });

  it("treats an expired or removed key as inactive, and lookups never reach the prototype", async () => {
    const store = await MachineUserStore.open(dir);
    const userId = await store.addMachineUser({ userName: "pi", name: "Pi", description: "" });
    const expiring = await store.addKey(userId, new Date(Date.now() + 60_000));
    expect(store.activeKey(userId, expiring.keyId)).toBeDefined();
    expect(store.activeKey(userId, expiring.keyId, new Date(Date.now() + 61_000))).toBeUndefined();
    await store.removeKey(userId, expiring.keyId);
    expect(store.activeKey(userId, expiring.keyId)).toBeUndefined();
    expect(store.user("__proto__")).toBeUndefined();
    expect(store.activeKey(userId, "constructor")).toBeUndefined();
  });
});
