// The device's enrollment key while it waits for approval: generated here
// (RSA-2048, node:crypto), never sent anywhere (only its public half is), kept
// in a 0600 file beside the credential file, so an enroll that is stopped
// (Ctrl-C, reboot, lost network) resumes waiting with the same key instead of
// asking again. Once enrolled, the key moves into the credential file and this
// file is removed.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { open, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { deviceIdSchema, zitadelKeySchema } from "@fleet/contracts";
import { CredentialsFileExistsError, writePrivateFile } from "@fleet/provisioning/credentials-file";
import { z } from "zod";
import { messageOf } from "../errors.js";
import { EnrollmentStateError } from "./errors.js";

const generateRsaKeyPair = promisify(generateKeyPair);

const MAX_PENDING_FILE_BYTES = 16 * 1024;
const NOT_OWNER_BITS = 0o077;
const RSA_MODULUS_BITS = 2048;

const pendingFileSchema = z.object({
  deviceId: deviceIdSchema,
  /** The server it was asked at: a pending key belongs to one server. */
  server: z.string().min(1).max(2048),
  /** PEM, PKCS#1 (the form Zitadel's key files have). */
  privateKey: zitadelKeySchema.shape.key,
  /** Set once the server accepted the request: from then on only the status is polled. */
  requestedAt: z.string().optional(),
});

type PendingFile = z.output<typeof pendingFileSchema>;

export interface PendingEnrollment {
  readonly path: string;
  readonly deviceId: string;
  readonly server: string;
  readonly privateKey: KeyObject;
  /** The private key's PEM, as the credential file will hold it. */
  readonly privateKeyPem: string;
  /** SPKI PEM: what the server is sent. */
  readonly publicKeyPem: string;
  readonly requestedAt: string | undefined;
}

/** The pending file for a credential file: `<credentials>.pending`, in the same folder. */
export function pendingEnrollmentPath(credentialsFile: string): string {
  return join(dirname(credentialsFile), `${basename(credentialsFile)}.pending`);
}

function fromFile(path: string, file: PendingFile): PendingEnrollment {
  const privateKey = createPrivateKey(file.privateKey);
  return {
    path,
    deviceId: file.deviceId,
    server: file.server,
    privateKey,
    privateKeyPem: file.privateKey,
    publicKeyPem: createPublicKey(privateKey).export({ format: "pem", type: "spki" }).toString(),
    requestedAt: file.requestedAt,
  };
}

const startOver = (path: string): string => `remove ${path} to start a new enrollment`;

/** The pending enrollment at `path`, or undefined when there is none. */
export async function loadPendingEnrollment(path: string): Promise<PendingEnrollment | undefined> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EnrollmentStateError(
      `cannot read the pending enrollment ${path}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    const stats = await handle.stat();
    const mode = stats.mode & 0o7777;
    if ((mode & NOT_OWNER_BITS) !== 0) {
      throw new EnrollmentStateError(
        `the pending enrollment ${path} may be read by group or others (mode ${mode.toString(8).padStart(4, "0")}) ` +
          `and holds a private key that may no longer be private: ${startOver(path)}`,
      );
    }
    const buffer = Buffer.alloc(MAX_PENDING_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let json: unknown;
    try {
      json = JSON.parse(buffer.subarray(0, bytesRead).toString("utf8"));
    } catch {
      throw new EnrollmentStateError(
        `the pending enrollment ${path} is not readable JSON: ${startOver(path)}`,
      );
    }
    const parsed = pendingFileSchema.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)");
      throw new EnrollmentStateError(
        `the pending enrollment ${path} is not valid (${fields.join(", ")}): ${startOver(path)}`,
      );
    }
    return fromFile(path, parsed.data);
  } finally {
    await handle.close();
  }
}

/** Writes `file` as a private file (0600 from its first byte, atomically); `create` refuses an existing one. */
async function writePendingFile(path: string, file: PendingFile, create: boolean): Promise<void> {
  try {
    await writePrivateFile(path, `${JSON.stringify(file, null, 2)}\n`, { overwrite: !create });
  } catch (error) {
    if (error instanceof CredentialsFileExistsError) {
      throw new EnrollmentStateError(
        `another enrollment wrote ${path} at the same time; run one enroll at a time`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** A new key pair for `deviceId` at `server`, saved at `path` (which must not exist). */
export async function createPendingEnrollment(
  path: string,
  request: { deviceId: string; server: string },
): Promise<PendingEnrollment> {
  const { privateKey } = await generateRsaKeyPair("rsa", { modulusLength: RSA_MODULUS_BITS });
  const file: PendingFile = {
    deviceId: request.deviceId,
    server: request.server,
    privateKey: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
  };
  await writePendingFile(path, file, true);
  return fromFile(path, file);
}

/** Records that the server accepted the request, so a resumed enroll only polls. */
export async function markRequested(
  pending: PendingEnrollment,
  requestedAt: string,
): Promise<PendingEnrollment> {
  await writePendingFile(
    pending.path,
    {
      deviceId: pending.deviceId,
      server: pending.server,
      privateKey: pending.privateKeyPem,
      requestedAt,
    },
    false,
  );
  return { ...pending, requestedAt };
}

export async function removePendingEnrollment(pending: PendingEnrollment): Promise<void> {
  await unlink(pending.path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  });
}
