// Reads the device's credential file (what `iot-operator device add --out`
// writes): its private key must stay private, so a file that group or others
// may access is refused, like ssh refuses a private key with such a mode. The
// file is opened once and checked through that handle (no swap between the
// check and the read), and never read past the contracts' size limit.
import { open } from "node:fs/promises";
import {
  MAX_CREDENTIALS_FILE_BYTES,
  parseDeviceCredentials,
  type DeviceCredentials,
} from "@fleet/contracts";
import { messageOf } from "../errors.js";

/** Where to get a credential file: said wherever one is missing or unusable. */
export const HOW_TO_GET_CREDENTIALS =
  "get one with `iot-operator device add <id> --out <file>` or from the dashboard's Devices page";

/** Permission bits that let anyone but the owner read, write or run the file. */
const NOT_OWNER_BITS = 0o077;

export interface CredentialFileReport {
  /** The parsed file when it could be read and is valid, even if it is not private. */
  credentials: DeviceCredentials | undefined;
  /** Its permission bits, when it could be opened. */
  mode: number | undefined;
  /** What is wrong, one sentence each; empty when the file is usable as it is. */
  problems: string[];
}

const octal = (mode: number): string => mode.toString(8).padStart(4, "0");

/** Checks and parses the credential file; never throws for a bad file (the report says why). */
export async function inspectCredentialFile(path: string): Promise<CredentialFileReport> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? `credential file ${path} does not exist; ${HOW_TO_GET_CREDENTIALS}`
        : `cannot open the credential file ${path}: ${messageOf(error)}`;
    return { credentials: undefined, mode: undefined, problems: [problem] };
  }
  try {
    const stats = await handle.stat();
    const mode = stats.mode & 0o7777;
    const problems: string[] = [];
    if (!stats.isFile()) {
      return {
        credentials: undefined,
        mode,
        problems: [`credential file ${path} is not a regular file`],
      };
    }
    if ((mode & NOT_OWNER_BITS) !== 0) {
      problems.push(
        `credential file ${path} may be read by group or others (mode ${octal(mode)}); it holds a private key: run \`chmod 600 ${path}\``,
      );
    }
    if (stats.size > MAX_CREDENTIALS_FILE_BYTES) {
      problems.push(
        `credential file ${path} is ${stats.size} bytes, more than the ${MAX_CREDENTIALS_FILE_BYTES} a credential file may have`,
      );
      return { credentials: undefined, mode, problems };
    }
    // One byte more than allowed, so a file that grew since the stat is still caught by the parser.
    const buffer = Buffer.alloc(MAX_CREDENTIALS_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    try {
      const credentials = parseDeviceCredentials(buffer.subarray(0, bytesRead).toString("utf8"));
      return { credentials, mode, problems };
    } catch (error) {
      problems.push(`credential file ${path}: ${messageOf(error)}`);
      return { credentials: undefined, mode, problems };
    }
  } catch (error) {
    return {
      credentials: undefined,
      mode: undefined,
      problems: [`cannot read the credential file ${path}: ${messageOf(error)}`],
    };
  } finally {
    await handle.close();
  }
}
