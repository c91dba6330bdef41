import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readConfigFile } from "./config-file.js";
import { isConfigError, type ConfigError } from "./errors.js";

const SETTINGS = { deviceId: { schema: z.string() }, heartbeatSeconds: { schema: z.number() } };

async function fileWith(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "runtime-config-")), "config.json");
  await writeFile(path, content);
  return path;
}

async function rejectionOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConfigError(error)) throw new Error("expected a ConfigError");
  return error;
}

describe("config file - reading", () => {
  it("config file - returns the settings it holds", async () => {
    const path = await fileWith('{ "deviceId": "pi-1" }');
    expect(await readConfigFile(path, SETTINGS)).toEqual({ path, values: { deviceId: "pi-1" } });
  });

  it("config file - names the file, and how it was chosen, when it is not JSON or cannot be read", async () => {
    const broken = await fileWith("{ deviceId: ");
    const notJson = await rejectionOf(readConfigFile(broken, SETTINGS, "--config (flag)"));
    expect(notJson.problems[0]?.source).toEqual({
      kind: "file",
      path: broken,
      namedBy: "--config (flag)",
    });
    expect(notJson.message).toContain(
      `config file ${broken} (named by --config (flag)): not valid JSON`,
    );

    const missing = await rejectionOf(readConfigFile("/nonexistent/config.json", SETTINGS));
    expect(missing.message).toContain(
      "config file /nonexistent/config.json: cannot read it: ENOENT",
    );

    const array = await rejectionOf(readConfigFile(await fileWith("[]"), SETTINGS));
    expect(array.message).toContain("must be a JSON object of settings");
  });

  it("config file - every unknown key is an error naming the key and the known ones", async () => {
    const path = await fileWith('{ "deviceId": "pi-1", "heartbeat": 5, "dataDir": "/x" }');
    const error = await rejectionOf(readConfigFile(path, SETTINGS));
    expect(error.problems.map((p) => p.setting)).toEqual(["heartbeat", "dataDir"]);
    expect(error.message).toContain(
      `heartbeat in ${path}: not a setting (known: deviceId, heartbeatSeconds)`,
    );
  });
});
