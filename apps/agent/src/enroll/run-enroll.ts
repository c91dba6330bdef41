// `iot-agent enroll` as a program: settings and the server's CA checked before
// anything is generated or sent, Ctrl-C / SIGTERM ending the wait (the pending
// key stays), progress on stdout, one clear error line on stderr, and an exit
// code a script can branch on.
import { readFile, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { PEM_MAX_LENGTH, type Inventory } from "@fleet/contracts";
import { isConfigError } from "@fleet/runtime";
import type { AgentEnv } from "../env.js";
import { messageOf } from "../errors.js";
import { collectInventory } from "../status/inventory.js";
import type { EnrollArgs } from "./command.js";
import { enroll } from "./enroll.js";
import { EnrollmentClient } from "./enrollment-client.js";
import {
  EnrollmentInterruptedError,
  EnrollmentStateError,
  EnrollmentTokenError,
} from "./errors.js";
import { ENROLL_TOKEN_ENV, resolveEnrollSettings } from "./settings.js";
import { readEnrollmentToken } from "./token-source.js";

/** Exit codes: 0 enrolled (or requested, with --no-wait). */
export const ENROLL_EXIT = {
  /** Refused by the server, disabled, or the server's answers unusable. */
  failed: 1,
  /** Bad flags, token, CA file or local state: nothing was sent. */
  usage: 2,
  /** Stopped by a signal while waiting; running again resumes. */
  interrupted: 130,
} as const;

export interface EnrollOutput {
  line: (text: string) => void;
  error: (text: string) => void;
}

async function readServerCa(path: string): Promise<string> {
  try {
    const { size } = await stat(path);
    if (size > PEM_MAX_LENGTH)
      throw new Error(`${size} bytes, more than the ${PEM_MAX_LENGTH} a CA bundle may have`);
    const text = await readFile(path, "utf8");
    if (!text.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate in it");
    return text;
  } catch (error) {
    throw new EnrollmentStateError(`--server-ca ${path}: ${messageOf(error)}`, { cause: error });
  }
}

/** What the server is told about this device; enrollment goes on without it if it cannot be read. */
async function inventoryNear(path: string): Promise<Inventory | undefined> {
  try {
    return await collectInventory(path);
  } catch {
    return undefined;
  }
}

export async function runEnroll(
  args: EnrollArgs,
  env: AgentEnv,
  output: EnrollOutput,
): Promise<number> {
  if (args.tokenOnCommandLine) {
    output.error(
      `--token is refused: every user of this machine can read a command line. Put the token in a file ` +
        `(mode 0600) and give --token-file <file>, or set env ${ENROLL_TOKEN_ENV}`,
    );
    return ENROLL_EXIT.usage;
  }
  const stop = new AbortController();
  const onSignal = (): void => {
    stop.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const settings = resolveEnrollSettings(args.flags, env, hostname());
    const ca = settings.serverCa === undefined ? undefined : await readServerCa(settings.serverCa);
    await enroll(
      {
        server: settings.server,
        deviceId: settings.deviceId,
        credentialsFile: settings.credentials,
        wait: args.wait,
        pollMaxMs: settings.pollMaxSeconds * 1000,
      },
      {
        api: new EnrollmentClient(settings.server, ca),
        token: async () => {
          const token = await readEnrollmentToken({
            tokenFile: settings.tokenFile,
            envToken: env[ENROLL_TOKEN_ENV],
          });
          for (const warning of token.warnings) output.error(`warning: ${warning}`);
          output.line(`using enrollment token ${token.name}`);
          return token.text;
        },
        inventory: () => inventoryNear(dirname(settings.credentials)),
        print: output.line,
        signal: stop.signal,
      },
    );
    return 0;
  } catch (error) {
    output.error(messageOf(error));
    if (error instanceof EnrollmentInterruptedError) return ENROLL_EXIT.interrupted;
    if (
      isConfigError(error) ||
      error instanceof EnrollmentTokenError ||
      error instanceof EnrollmentStateError
    ) {
      return ENROLL_EXIT.usage;
    }
    return ENROLL_EXIT.failed;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
