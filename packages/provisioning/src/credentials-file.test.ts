import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDeviceCredentials, type DeviceCredentials } from "@fleet/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCredentialsTarget, writeCredentialsFile } from "./credentials-file.js";
import { CredentialsFileExistsError } from "./errors.js";

const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

const credentials: DeviceCredentials = {
  type: "serviceaccount",
  keyId: "key-1",
  key,
  userId: "user-1",
  deviceId: "pi-1",
  issuer: "https://idp.example",
  projectId: "fleet",
  natsServers: ["nats://nats.example:4222"],
};

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "credentials-file-"));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("writeCredentialsFile", () => {
  it("writes a parseable file with mode 0600 whatever the umask, and leaves no temporary file", async () => {
    const path = join(folder, "pi-1.json");
    const umask = process.umask(0o000);
    try {
      await writeCredentialsFile(path, credentials);
    } finally {
      process.umask(umask);
    }
    expect(await modeOf(path)).toBe(0o600);
    expect(parseDeviceCredentials(await readFile(path, "utf8"))).toEqual(credentials);
    expect(await readdir(folder)).toEqual(["pi-1.json"]);
  });

  it("refuses to replace an existing file unless asked, keeping its content", async () => {
    const path = join(folder, "pi-1.json");
    await writeFile(path, "the only copy of a working key");
    await expect(writeCredentialsFile(path, credentials)).rejects.toBeInstanceOf(
      CredentialsFileExistsError,
    );
    expect(await readFile(path, "utf8")).toBe("the only copy of a working key");
    expect(await readdir(folder)).toEqual(["pi-1.json"]);
    await writeCredentialsFile(path, credentials, { overwrite: true });
    expect(parseDeviceCredentials(await readFile(path, "utf8")).keyId).toBe("key-1");
    expect(await modeOf(path)).toBe(0o600);
  });

  it("writes nothing when the credentials break the contract", async () => {
    const path = join(folder, "bad.json");
    await expect(
      writeCredentialsFile(path, { ...credentials, issuer: "http://plain.example" }),
    ).rejects.toThrow(/issuer: must be an https URL/);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe("checkCredentialsTarget", () => {
  it("accepts a new file in a writable folder, refuses an existing one unless overwriting", async () => {
    const path = join(folder, "pi-1.json");
    await checkCredentialsTarget(path);
    await writeFile(path, "{}");
    await expect(checkCredentialsTarget(path)).rejects.toBeInstanceOf(CredentialsFileExistsError);
    await checkCredentialsTarget(path, { overwrite: true });
  });

  it("refuses a folder that does not exist", async () => {
    await expect(checkCredentialsTarget(join(folder, "missing", "pi-1.json"))).rejects.toThrow(
      /ENOENT/,
    );
  });
});
