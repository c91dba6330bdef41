// The exact command that enrolls a device with a token, as the CLI prints it
// and the dashboard shows it. The token goes in the environment, never in
// argv (every local user can read another process's argv); the agent reads it
// from IOT_ENROLL_TOKEN (docs/enrollment.md).

export interface EnrollCommandInput {
  /** The token text `<name>.<secret>`. */
  token: string;
  /** The enrollment server's https URL (iot-identity's ENROLLMENT_PUBLIC_URL). */
  server: string;
  /** A PEM CA file on the device that the server's certificate is issued by, when private. */
  serverCaFile?: string | undefined;
}

/** Characters a POSIX shell takes literally outside quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as is when safe, else single-quoted. */
export function shellWord(text: string): string {
  if (SHELL_SAFE.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/** `IOT_ENROLL_TOKEN=<token> iot-agent enroll --server <url> [--server-ca <file>]`. */
export function enrollCommand(input: EnrollCommandInput): string {
  const words = [
    `IOT_ENROLL_TOKEN=${shellWord(input.token)}`,
    "iot-agent",
    "enroll",
    "--server",
    shellWord(input.server),
  ];
  if (input.serverCaFile !== undefined) words.push("--server-ca", shellWord(input.serverCaFile));
  return words.join(" ");
}
