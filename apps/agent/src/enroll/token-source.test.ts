import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatEnrollmentToken } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { EnrollmentTokenError } from "./errors.js";
import { MAX_TOKEN_FILE_BYTES, readEnrollmentToken } from "./token-source.js";

const secret = randomBytes(32).toString("base64url");
const token = formatEnrollmentToken("kiosks-eu", secret);

async function tokenFile(content: string, mode = 0o600): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "iot-enroll-token-")), "token");
  await writeFile(file, content, { mode });
  await chmod(file, mode);
  return file;
}

async function refusal(sources: Parameters<typeof readEnrollmentToken>[0]): Promise<string> {
  const error = await readEnrollmentToken(sources).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EnrollmentTokenError);
  const message = (error as Error).message;
  expect(message).not.toContain(secret);
  return message;
}

describe("enroll - the token", () => {
  it("enroll - read from a file (trailing newline ignored) or from IOT_ENROLL_TOKEN", async () => {
    const fromFile = await readEnrollmentToken({
      tokenFile: await tokenFile(`${token}\n`),
      envToken: undefined,
    });
    expect(fromFile).toEqual({ text: token, name: "kiosks-eu", warnings: [] });
    const fromEnv = await readEnrollmentToken({ tokenFile: undefined, envToken: token });
    expect(fromEnv.text).toBe(token);
  });

  it("enroll - a token file others may read is used, with a warning", async () => {
    const read = await readEnrollmentToken({
      tokenFile: await tokenFile(token, 0o644),
      envToken: undefined,
    });
    expect(read.text).toBe(token);
    expect(read.warnings.join()).toContain("mode 0644");
  });

  it("enroll - no token, or two, is refused with how to give one", async () => {
    expect(await refusal({ tokenFile: undefined, envToken: undefined })).toContain(
      "--token-file <file>, or set IOT_ENROLL_TOKEN",
    );
    expect(await refusal({ tokenFile: await tokenFile(token), envToken: token })).toContain(
      "not both",
    );
  });

  it("enroll - a malformed token names its source and what is wrong, never the secret", async () => {
    expect(await refusal({ tokenFile: undefined, envToken: secret })).toContain(
      "IOT_ENROLL_TOKEN (env) does not hold an enrollment token",
    );
    const file = await tokenFile(`Kiosks.${secret}`);
    expect(await refusal({ tokenFile: file, envToken: undefined })).toContain(
      `the token file ${file} does not hold an enrollment token`,
    );
  });

  it("enroll - a missing or oversized token file is named", async () => {
    expect(await refusal({ tokenFile: "/nonexistent/token", envToken: undefined })).toContain(
      "cannot read the token file /nonexistent/token",
    );
    const big = await tokenFile("x".repeat(MAX_TOKEN_FILE_BYTES + 1));
    expect(await refusal({ tokenFile: big, envToken: undefined })).toContain("far shorter");
  });
});
