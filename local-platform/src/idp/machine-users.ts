// The local IdP's machine users and their public keys, as Zitadel keeps them:
// a user has a user name, a state (active or not), metadata and key pairs of
// which only the public half is kept. The private half is handed out once, in
// Zitadel's key-file format, when the key is added; or, as Zitadel's AddMachineKey
// with `publicKey`, the caller brings its own RSA public key and no private key
// exists outside its holder. Persisted in one JSON file
// (0600) under the IdP's state folder, so users and keys survive a restart.
import { createPublicKey, generateKeyPairSync, randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { zitadelKeySchema, type ZitadelKey } from "@fleet/contracts";
import { z } from "zod";

/** Zitadel's machine users get JWT or opaque ("bearer") access tokens; the local IdP issues only JWTs. */
export const ACCESS_TOKEN_TYPE_JWT = "ACCESS_TOKEN_TYPE_JWT";

const keyRecordSchema = z.object({
  /** SPKI PEM of the public key; the private key is never stored. */
  publicKey: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});

const userRecordSchema = z.object({
  userName: z.string(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  /** Values as Zitadel stores them: base64 of the bytes. */
  metadata: z.record(z.string(), z.string()),
  keys: z.record(z.string(), keyRecordSchema),
});

const stateSchema = z.object({
  version: z.literal(1),
  users: z.record(z.string(), userRecordSchema),
});

export type MachineUser = z.infer<typeof userRecordSchema>;
export type MachineKey = z.infer<typeof keyRecordSchema>;
type State = z.infer<typeof stateSchema>;

/** A refusal with Zitadel's gRPC status code, which the management API maps to HTTP. */
export class MachineUserError extends Error {
  override readonly name = "MachineUserError";
  constructor(
    readonly code: "not_found" | "already_exists" | "failed_precondition" | "invalid_argument",
    message: string,
  ) {
    super(message);
  }
}

/** A Zitadel-like id: a decimal snowflake (time in ms, then random digits). */
export function newZitadelId(): string {
  return `${Date.now()}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
}

/** Zitadel signs with RS256 only; keys shorter than this are refused. */
export const MIN_RSA_BITS = 2048;

/** The key as SPKI PEM, or a MachineUserError saying why it is not an acceptable RSA public key. */
function rsaPublicKeyPem(pem: string): string {
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new MachineUserError("invalid_argument", "publicKey is not a PEM public key");
  }
  if (key.asymmetricKeyType !== "rsa")
    throw new MachineUserError(
      "invalid_argument",
      `publicKey must be an RSA key (got ${key.asymmetricKeyType ?? "unknown"})`,
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new MachineUserError(
      "invalid_argument",
      `publicKey must have at least ${MIN_RSA_BITS} bits (got ${bits})`,
    );
  return key.export({ type: "spki", format: "pem" }).toString();
}

export const machineUsersFile = (stateDir: string): string => join(stateDir, "machine-users.json");

export class MachineUserStore {
  // Mutations are serialized, so two requests never write the file at once.
  #writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private state: State,
  ) {}

  static async open(stateDir: string): Promise<MachineUserStore> {
    const file = machineUsersFile(stateDir);
    const state = existsSync(file)
      ? stateSchema.parse(JSON.parse(await readFile(file, "utf8")))
      : { version: 1 as const, users: {} };
    return new MachineUserStore(file, state);
  }

  user(userId: string): MachineUser | undefined {
    return Object.hasOwn(this.state.users, userId) ? this.state.users[userId] : undefined;
  }

  userIdByName(userName: string): string | undefined {
    return Object.entries(this.state.users).find(([, user]) => user.userName === userName)?.[0];
  }

  /** The key if it exists and has not expired. */
  activeKey(userId: string, keyId: string, now = new Date()): MachineKey | undefined {
    const user = this.user(userId);
    if (!user || !Object.hasOwn(user.keys, keyId)) return undefined;
    const key = user.keys[keyId];
    if (key?.expiresAt != null && Date.parse(key.expiresAt) <= now.getTime()) return undefined;
    return key;
  }

  addMachineUser(input: { userName: string; name: string; description: string }): Promise<string> {
    return this.#mutate(() => {
      const taken = Object.values(this.state.users).some((u) => u.userName === input.userName);
      if (taken)
        throw new MachineUserError("already_exists", `User ${input.userName} already exists`);
      const userId = this.#freshId();
      this.state.users[userId] = {
        ...input,
        active: true,
        createdAt: new Date().toISOString(),
        metadata: {},
        keys: {},
      };
      return userId;
    });
  }

  /** Generates a key pair, keeps the public half, returns the Zitadel key file (the only copy of the private half). */
  addKey(userId: string, expiresAt: Date | undefined): Promise<ZitadelKey> {
    return this.#mutate(() => {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        // Zitadel hands out PKCS#1 ("BEGIN RSA PRIVATE KEY").
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      });
      const keyId = this.#addPublicKey(userId, publicKey, expiresAt);
      return zitadelKeySchema.parse({ type: "serviceaccount", keyId, key: privateKey, userId });
    });
  }

  /**
   * Registers a public key its holder generated (PEM, SPKI or PKCS#1 RSA, at
   * least 2048 bits) and returns its key id; the JWT-profile grant then
   * accepts assertions signed with the matching private key.
   */
  addPublicKey(userId: string, publicKeyPem: string, expiresAt: Date | undefined): Promise<string> {
    return this.#mutate(() => this.#addPublicKey(userId, publicKeyPem, expiresAt));
  }

  #addPublicKey(userId: string, publicKeyPem: string, expiresAt: Date | undefined): string {
    const user = this.#existing(userId);
    if (expiresAt !== undefined && expiresAt.getTime() <= Date.now())
      throw new MachineUserError("invalid_argument", "expirationDate must be in the future");
    const publicKey = rsaPublicKeyPem(publicKeyPem);
    const keyId = this.#freshId();
    user.keys[keyId] = {
      publicKey,
      createdAt: new Date().toISOString(),
      expiresAt: expiresAt?.toISOString() ?? null,
    };
    return keyId;
  }

  removeKey(userId: string, keyId: string): Promise<void> {
    return this.#mutate(() => {
      const user = this.#existing(userId);
      if (!Object.hasOwn(user.keys, keyId))
        throw new MachineUserError("not_found", `Key ${keyId} of user ${userId} not found`);
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by id
      delete user.keys[keyId];
    });
  }

  setActive(userId: string, active: boolean): Promise<void> {
    return this.#mutate(() => {
      const user = this.#existing(userId);
      if (user.active === active)
        throw new MachineUserError(
          "failed_precondition",
          active ? "User is not deactivated" : "User is already deactivated",
        );
      user.active = active;
    });
  }

  removeUser(userId: string): Promise<void> {
    return this.#mutate(() => {
      this.#existing(userId);
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by id
      delete this.state.users[userId];
    });
  }

  setMetadata(userId: string, key: string, base64Value: string): Promise<void> {
    return this.#mutate(() => {
      this.#existing(userId).metadata[key] = base64Value;
    });
  }

  /** A metadata value as text, or undefined. */
  metadata(userId: string, key: string): string | undefined {
    const user = this.user(userId);
    if (!user || !Object.hasOwn(user.metadata, key)) return undefined;
    const value = user.metadata[key];
    return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
  }

  #existing(userId: string): MachineUser {
    const user = this.user(userId);
    if (!user) throw new MachineUserError("not_found", `User ${userId} could not be found`);
    return user;
  }

  #freshId(): string {
    for (;;) {
      const id = newZitadelId();
      const used =
        Object.hasOwn(this.state.users, id) ||
        Object.values(this.state.users).some((u) => Object.hasOwn(u.keys, id));
      if (!used) return id;
    }
  }

  /** Applies `change` to a copy, persists it, and only then makes it the state. */
  #mutate<T>(change: () => T): Promise<T> {
    const run = async (): Promise<T> => {
      const previous = this.state;
      this.state = structuredClone(previous);
      try {
        const result = change();
        await this.#persist();
        return result;
      } catch (error) {
        this.state = previous;
        throw error;
      }
    };
    const result = this.#writes.then(run);
    this.#writes = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #persist(): Promise<void> {
    // Write-then-rename: a crash never leaves a half-written file.
    const temporary = `${this.file}.tmp`;
    await writeFile(temporary, JSON.stringify(this.state, null, 2), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
