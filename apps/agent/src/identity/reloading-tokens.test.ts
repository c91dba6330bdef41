import { writeFile, chmod } from "node:fs/promises";
import type { DeviceCredentials } from "@fleet/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { sampleCredentials, writeCredentialFile } from "../testing/credential-files.js";
import { ReloadingTokens } from "./reloading-tokens.js";
import type { AccessTokens } from "./token-keeper.js";

/** Token sources that answer with the key id they were made for. */
function sources(): { made: string[]; tokensFor: (d: DeviceCredentials) => AccessTokens } {
  const made: string[] = [];
  return {
    made,
    tokensFor: (device) => {
      made.push(device.keyId);
      return {
        issuer: device.issuer,
        token: () => Promise.resolve({ value: `token-of-${device.keyId}`, expiresAt: new Date() }),
        invalidate: () => undefined,
      };
    },
  };
}

const logger = pino({ level: "silent" });

async function setUp(): Promise<{ file: string; tokens: ReloadingTokens; made: string[] }> {
  const device = sampleCredentials({ keyId: "key-1" });
  const file = await writeCredentialFile(device);
  const { made, tokensFor } = sources();
  return { file, made, tokens: new ReloadingTokens({ file, device, tokensFor, logger }) };
}

describe("reloading tokens", () => {
  it("reloading tokens - keeps one token source while the file stays the same", async () => {
    const { tokens, made } = await setUp();
    expect((await tokens.token()).value).toBe("token-of-key-1");
    expect((await tokens.token()).value).toBe("token-of-key-1");
    expect(made).toEqual(["key-1"]);
  });

  it("reloading tokens - a rotated key installed over the file is used from the next request", async () => {
    const { tokens, file, made } = await setUp();
    await tokens.token();
    await writeFile(file, JSON.stringify(sampleCredentials({ keyId: "key-2" })));
    expect((await tokens.token()).value).toBe("token-of-key-2");
    expect(made).toEqual(["key-1", "key-2"]);
  });

  it("reloading tokens - a file that became unusable or names another device leaves the loaded key in use", async () => {
    const { tokens, file, made } = await setUp();
    await writeFile(file, JSON.stringify(sampleCredentials({ keyId: "key-2" })));
    await chmod(file, 0o644);
    expect((await tokens.token()).value).toBe("token-of-key-1");
    await chmod(file, 0o600);
    await writeFile(file, JSON.stringify(sampleCredentials({ keyId: "key-3", deviceId: "pi-2" })));
    expect((await tokens.token()).value).toBe("token-of-key-1");
    await writeFile(file, "{ half written");
    expect((await tokens.token()).value).toBe("token-of-key-1");
    expect(made).toEqual(["key-1"]);
  });
});
