import { generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readPrivateKeyFile } from "./key-file.js";

const keyFile = {
  type: "serviceaccount",
  keyId: "admin-key",
  key: generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({
      type: "pkcs1",
      format: "pem",
    })
    .toString(),
  userId: "provisioner",
};

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "key-file-"));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function written(text: string, mode: number): Promise<string> {
  const path = join(folder, "admin.json");
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe("readPrivateKeyFile", () => {
  it("reads a private Zitadel key file", async () => {
    const path = await written(JSON.stringify(keyFile), 0o600);
    expect(readPrivateKeyFile(path)).toEqual(keyFile);
  });

  it("refuses a file others may read or its group may write, saying how to fix it", async () => {
    const path = await written(JSON.stringify(keyFile), 0o644);
    expect(() => readPrivateKeyFile(path)).toThrow(
      `${path} is open to others (mode 644); make it private: chmod 600 ${path}`,
    );
    await chmod(path, 0o660);
    expect(() => readPrivateKeyFile(path)).toThrow(/is open to others \(mode 660\)/);
  });

  it("accepts a file its group may read (a Kubernetes Secret mounted 0440 with the pod's fsGroup)", async () => {
    const path = await written(JSON.stringify(keyFile), 0o440);
    expect(readPrivateKeyFile(path)).toEqual(keyFile);
  });

  it("names a missing file and a wrong field, never echoing the key", async () => {
    expect(() => readPrivateKeyFile(join(folder, "none.json"))).toThrow(
      /cannot read this file \(ENOENT\)/,
    );
    const path = await written(JSON.stringify({ ...keyFile, type: "application" }), 0o600);
    let message = "";
    try {
      readPrivateKeyFile(path);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/type: must be "serviceaccount"/);
    expect(message).not.toContain("PRIVATE KEY");
  });
});
