import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, isConfigError } from "@fleet/runtime";
import { readEnv } from "../env.js";
import { sampleCredentials, writeCredentialFile } from "../testing/credential-files.js";
import { loadConfig, loadSettings, type ConfigInputs } from "./load.js";

async function configFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "iot-agent-config-"));
  const file = join(dir, "config.json");
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

function inputs(partial: Partial<ConfigInputs>): ConfigInputs {
  return { flags: {}, configFlag: undefined, env: readEnv({}), ...partial };
}

/** The problems of the ConfigError that `promise` rejects with, one line each as printed. */
async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConfigError(error)) throw new Error("expected a ConfigError");
  return error.problems.map(formatProblem);
}

describe("config - loading", () => {
  it("config - takes the device id and NATS servers from the credential file, defaults for the rest", async () => {
    const credentials = sampleCredentials();
    const file = await writeCredentialFile(credentials);
    const config = await loadConfig(inputs({ flags: { credentials: file } }));
    expect(config).toEqual({
      deviceId: "pi-1",
      natsServers: ["nats://nats.example:4222"],
      credentials: { file, device: credentials },
      podmanSocket: "/run/podman/podman.sock",
      heartbeatSeconds: 5,
      resyncSeconds: 30,
      inventorySeconds: 300,
      dataDir: "/var/lib/iot-agent",
      logLevel: "info",
    });
  });

  it("config - flags beat env, env beats the file, the file beats defaults", async () => {
    const credentials = await writeCredentialFile();
    const file = await configFile({
      deviceId: "pi-1",
      heartbeatSeconds: 7,
      dataDir: "/srv/file",
      credentials,
    });
    const config = await loadConfig(
      inputs({
        configFlag: file,
        env: readEnv({ IOT_AGENT_HEARTBEAT_SECONDS: "3", IOT_AGENT_DATA_DIR: "/srv/env" }),
        flags: { natsServers: "nats://a:4222, b:4222", dataDir: "/srv/flag" },
      }),
    );
    expect(config.deviceId).toBe("pi-1");
    expect(config.heartbeatSeconds).toBe(3);
    expect(config.dataDir).toBe("/srv/flag");
    expect(config.natsServers).toEqual(["nats://a:4222", "b:4222"]);
    expect(config.credentials.file).toBe(credentials);
  });

  it("config - takes the credential file from the env and strips unix:// from the socket", async () => {
    const credentials = await writeCredentialFile();
    const config = await loadConfig(
      inputs({
        env: readEnv({ IOT_AGENT_CREDENTIALS: credentials }),
        flags: { podmanSocket: "unix:///run/p.sock" },
      }),
    );
    expect(config.credentials.file).toBe(credentials);
    expect(config.podmanSocket).toBe("/run/p.sock");
  });

  it("config - names the setting, the value and its source for every bad value", async () => {
    const problems = await problemsOf(
      loadConfig(
        inputs({
          env: readEnv({ IOT_AGENT_HEARTBEAT_SECONDS: "soon", IOT_AGENT_CREDENTIALS: "" }),
          flags: { deviceId: "Not_A_Label", dataDir: "relative/dir", credentials: "/x.json" },
        }),
      ),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^--device-id \(flag\) = "Not_A_Label": must be a DNS-1123 label/);
    expect(problems[1]).toMatch(
      /^IOT_AGENT_HEARTBEAT_SECONDS \(env\) = "soon": must be a number of seconds/,
    );
    expect(problems[2]).toMatch(/^--data-dir \(flag\) = "relative\/dir": must be an absolute path/);
  });

  it("config - refuses to start without a credential and says how to get one", async () => {
    const problems = await problemsOf(loadConfig(inputs({})));
    expect(problems).toEqual([
      'credentials is required: set --credentials, env IOT_AGENT_CREDENTIALS or "credentials" in the config file; ' +
        "the agent never connects without one: get one with `iot-operator device add <id> --out <file>` " +
        "or from the dashboard's Devices page",
    ]);
  });

  it("config - the removed none, creds and token credentials are refused, saying what to give instead", async () => {
    const old = await configFile({
      credentials: { type: "creds", file: "/etc/iot-agent/device.creds" },
    });
    const [fromFile] = await problemsOf(loadConfig(inputs({ configFlag: old })));
    expect(fromFile).toContain(`credentials in ${old} = {"type":"creds"`);
    for (const text of ["none", "creds:/etc/iot-agent/device.creds", "token:/run/secrets/t"]) {
      const [problem] = await problemsOf(loadConfig(inputs({ flags: { credentials: text } })));
      expect(problem).toContain(
        `--credentials (flag) = "${text}": the "none", "creds:<file>" and "token:<file>" credentials are gone`,
      );
      expect(problem).toContain("iot-operator device add <id> --out <file>");
    }
    expect(fromFile).toContain("credentials are gone");
  });

  it("config - a credential file that group or others may read is refused, saying chmod 600", async () => {
    const file = await writeCredentialFile(sampleCredentials(), 0o644);
    const problems = await problemsOf(loadConfig(inputs({ flags: { credentials: file } })));
    expect(problems).toEqual([
      `credential file ${file} may be read by group or others (mode 0644); it holds a private key: run \`chmod 600 ${file}\``,
    ]);
  });

  it("config - a missing, oversized or malformed credential file is named with what is wrong", async () => {
    const [missing] = await problemsOf(
      loadConfig(inputs({ flags: { credentials: "/nonexistent/device.json" } })),
    );
    expect(missing).toBe(
      "credential file /nonexistent/device.json does not exist; get one with " +
        "`iot-operator device add <id> --out <file>` or from the dashboard's Devices page",
    );

    const huge = await writeCredentialFile(" ".repeat(64 * 1024 + 1));
    const [tooLarge] = await problemsOf(loadConfig(inputs({ flags: { credentials: huge } })));
    expect(tooLarge).toBe(
      `credential file ${huge} is 65537 bytes, more than the 65536 a credential file may have`,
    );

    const wrong = await writeCredentialFile(
      JSON.stringify({ ...sampleCredentials(), issuer: "http://idp.example", key: "secret" }),
    );
    const [invalid] = await problemsOf(loadConfig(inputs({ flags: { credentials: wrong } })));
    expect(invalid).toContain(`credential file ${wrong}: invalid device credentials:`);
    expect(invalid).toContain("issuer");
    expect(invalid).toContain("key");
    expect(invalid).not.toContain("secret");
  });

  it("config - a device id setting that differs from the credential file's names both", async () => {
    const file = await writeCredentialFile(sampleCredentials({ deviceId: "pi-1" }));
    const problems = await problemsOf(
      loadConfig(
        inputs({ env: readEnv({ IOT_AGENT_DEVICE_ID: "pi-2" }), flags: { credentials: file } }),
      ),
    );
    expect(problems).toEqual([
      `IOT_AGENT_DEVICE_ID (env) = "pi-2": differs from deviceId "pi-1" in the credential file ${file}: ` +
        "leave the device id out (the credential file names the device) or use that device's credential file",
    ]);
    const same = await loadConfig(inputs({ flags: { credentials: file, deviceId: "pi-1" } }));
    expect(same.deviceId).toBe("pi-1");
  });

  it("config - the resolved settings hold the credential file's path, never its key", async () => {
    const file = await writeCredentialFile();
    const { settings } = await loadSettings(inputs({ flags: { credentials: file } }));
    expect(JSON.stringify(settings)).not.toContain("PRIVATE KEY");
    expect(settings.credentials).toBe(file);
  });

  it("config - rejects unknown keys and bad JSON in the config file, naming the file", async () => {
    const typo = await configFile({ credentials: "/x.json", heartbeat: 5 });
    const [unknown] = await problemsOf(loadConfig(inputs({ configFlag: typo })));
    expect(unknown).toContain(`heartbeat in ${typo}: not a setting (known: deviceId, `);

    const broken = await configFile("{ credentials: ");
    const [notJson] = await problemsOf(
      loadConfig(inputs({ env: readEnv({ IOT_AGENT_CONFIG: broken }) })),
    );
    expect(notJson).toContain(
      `config file ${broken} (named by IOT_AGENT_CONFIG (env)): not valid JSON`,
    );
  });

  it("config - reports a file value with the file as its source", async () => {
    const file = await configFile({ credentials: "/x.json", natsServers: ["http://wrong"] });
    const [problem] = await problemsOf(loadConfig(inputs({ configFlag: file })));
    expect(problem).toBe(
      `natsServers in ${file} = ["http://wrong"]: "http://wrong" is not a NATS URL such as nats://host:4222 (or host:port) (at [0])`,
    );
  });
});
