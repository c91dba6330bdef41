// The enrollment token, from a file (--token-file) or the IOT_ENROLL_TOKEN
// variable, never from argv (every user of the machine can read a process's
// arguments). It is checked locally before anything is sent, and no message
// here ever contains it.
import { open } from "node:fs/promises";
import { parseEnrollmentToken } from "@fleet/contracts";
import { messageOf } from "../errors.js";
import { EnrollmentTokenError } from "./errors.js";
import { ENROLL_TOKEN_ENV } from "./settings.js";

/** A token is a name and 43 characters of secret; a file much larger than that is not one. */
export const MAX_TOKEN_FILE_BYTES = 4096;
const NOT_OWNER_BITS = 0o077;

export interface TokenSources {
  tokenFile: string | undefined;
  /** The value of IOT_ENROLL_TOKEN, if set. */
  envToken: string | undefined;
}

export interface EnrollmentToken {
  /** The token as the server expects it (`<name>.<secret>`). */
  text: string;
  /** The EnrollmentToken's name: safe to print. */
  name: string;
  /** Things worth saying that do not stop the enrollment (a token file others may read). */
  warnings: string[];
}

async function readTokenFile(path: string): Promise<{ text: string; warnings: string[] }> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new EnrollmentTokenError(
      `cannot read the token file ${path} (--token-file): ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      throw new EnrollmentTokenError(`the token file ${path} (--token-file) is not a regular file`);
    if (stats.size > MAX_TOKEN_FILE_BYTES) {
      throw new EnrollmentTokenError(
        `the token file ${path} (--token-file) is ${stats.size} bytes; a token is far shorter (at most ${MAX_TOKEN_FILE_BYTES})`,
      );
    }
    const buffer = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const mode = stats.mode & 0o7777;
    const warnings =
      (mode & NOT_OWNER_BITS) === 0
        ? []
        : [
            `the token file ${path} may be read by group or others (mode ${mode.toString(8).padStart(4, "0")}); keep enrollment tokens private (chmod 600)`,
          ];
    return { text: buffer.subarray(0, bytesRead).toString("utf8"), warnings };
  } finally {
    await handle.close();
  }
}

/** Reads and checks the token; an EnrollmentTokenError says which source is wrong and how. */
export async function readEnrollmentToken(sources: TokenSources): Promise<EnrollmentToken> {
  if (sources.tokenFile !== undefined && sources.envToken !== undefined) {
    throw new EnrollmentTokenError(
      `give the enrollment token one way: --token-file or env ${ENROLL_TOKEN_ENV}, not both`,
    );
  }
  let source: string;
  let raw: string;
  let warnings: string[] = [];
  if (sources.tokenFile !== undefined) {
    source = `the token file ${sources.tokenFile}`;
    ({ text: raw, warnings } = await readTokenFile(sources.tokenFile));
  } else if (sources.envToken !== undefined) {
    source = `${ENROLL_TOKEN_ENV} (env)`;
    raw = sources.envToken;
  } else {
    throw new EnrollmentTokenError(
      `an enrollment token is required: put it in a file and give --token-file <file>, or set ${ENROLL_TOKEN_ENV} ` +
        "(never on the command line, where other users can read it); a deployer creates one with " +
        "`iot-operator enrollment create` or the dashboard's Add device",
    );
  }
  const text = raw.trim();
  let parsed;
  try {
    parsed = parseEnrollmentToken(text);
  } catch (error) {
    throw new EnrollmentTokenError(
      `${source} does not hold an enrollment token: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  return { text, name: parsed.name, warnings };
}
