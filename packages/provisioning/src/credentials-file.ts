// The agent's credential file on disk: mode 0600 from its first byte, written
// atomically (a temporary file in the same folder, fsynced, then linked or
// renamed into place), so a reader never sees half a key and a crash never
// leaves a readable one behind. An existing file is kept unless overwriting
// was asked for: it may be the only copy of a working device's key.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, link, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  deviceCredentialsSchema,
  MAX_CREDENTIALS_FILE_BYTES,
  parseOrThrow,
  type DeviceCredentials,
} from "@fleet/contracts";
import { CredentialsFileExistsError } from "./errors.js";

// What writing may throw, for importers of this file alone (the agent: no Kubernetes client in its bundle).
export { CredentialsFileExistsError };

export const CREDENTIALS_FILE_MODE = 0o600;

export interface WriteCredentialsOptions {
  /** Replace a file already at the path (default: refuse). */
  overwrite?: boolean;
}

/** The file's text: validated against the contract first, so a bad value is never written. */
export function credentialsFileText(credentials: DeviceCredentials): string {
  const valid = parseOrThrow(deviceCredentialsSchema, credentials, "device credentials");
  const text = `${JSON.stringify(valid, null, 2)}\n`;
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CREDENTIALS_FILE_BYTES) {
    throw new Error(
      `device credentials are ${bytes} bytes, more than the ${MAX_CREDENTIALS_FILE_BYTES} a credential file may have`,
    );
  }
  return text;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/**
 * Checks, before anything is provisioned, that a credential file can be
 * written at `path`: its folder exists and is writable, and no file is there
 * unless overwriting is allowed. Provisioning first and failing to write
 * after would leave a key nobody holds.
 */
export async function checkCredentialsTarget(
  path: string,
  options: WriteCredentialsOptions = {},
): Promise<void> {
  await access(dirname(path), constants.W_OK);
  if (options.overwrite !== true && (await exists(path)))
    throw new CredentialsFileExistsError(path);
}

/** Writes the credential file at `path`, mode 0600, atomically; refuses an existing file unless `overwrite`. */
export async function writeCredentialsFile(
  path: string,
  credentials: DeviceCredentials,
  options: WriteCredentialsOptions = {},
): Promise<void> {
  await writePrivateFile(path, credentialsFileText(credentials), options);
}

/** Writes any secret `text` at `path` the same way (the agent's pending enrollment key too). */
export async function writePrivateFile(
  path: string,
  text: string,
  options: WriteCredentialsOptions = {},
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  // "wx": never follow or reuse something already at the temporary name.
  const handle = await open(temporary, "wx", CREDENTIALS_FILE_MODE);
  try {
    try {
      // The umask may have cleared bits of 0600 but never adds any; make it exact.
      await handle.chmod(CREDENTIALS_FILE_MODE);
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite === true) {
      await rename(temporary, path);
      return;
    }
    // link() fails with EEXIST instead of replacing: no window where a check and a write race.
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST")
        throw new CredentialsFileExistsError(path, { cause: error });
      throw error;
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
