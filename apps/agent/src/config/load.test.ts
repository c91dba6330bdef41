import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, isConfigError } from "@fleet/runtime";
import { readEnv } from "../env.js";
import { loadConfig, type ConfigInputs } from "./load.js";

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
  it("config - applies defaults when only the device id is given", async () => {
    const config = await loadConfig(inputs({ flags: { deviceId: "pi-1" } }));
    expect(config).toEqual({
      deviceId: "pi-1",
      natsServers: ["nats://127.0.0.1:4222"],
      credentials: { type: "none" },
      podmanSocket: "/run/podman/podman.sock",
      heartbeatSeconds: 5,
      resyncSeconds: 30,
      inventorySeconds: 300,
      dataDir: "/var/lib/iot-agent",
      logLevel: "info",
    });
  });

  it("config - flags beat env, env beats the file, the file beats defaults", async () => {
    const file = await configFile({
      deviceId: "from-file",
      heartbeatSeconds: 7,
      dataDir: "/srv/file",
      credentials: { type: "creds", file: "/etc/iot-agent/device.creds" },
    });
    const config = await loadConfig(
      inputs({
        configFlag: file,
        env: readEnv({ IOT_AGENT_DEVICE_ID: "from-env", IOT_AGENT_HEARTBEAT_SECONDS: "3" }),
        flags: { deviceId: "from-flag", natsServers: "nats://a:4222, b:4222" },
      }),
    );
    expect(config.deviceId).toBe("from-flag");
    expect(config.heartbeatSeconds).toBe(3);
    expect(config.dataDir).toBe("/srv/file");
    expect(config.natsServers).toEqual(["nats://a:4222", "b:4222"]);
    expect(config.credentials).toEqual({ type: "creds", file: "/etc/iot-agent/device.creds" });
  });

  it("config - reads the text form of credentials and strips unix:// from the socket", async () => {
    const config = await loadConfig(
      inputs({
        flags: {
          deviceId: "pi-1",
          credentials: "token:/run/secrets/nats-token",
          podmanSocket: "unix:///run/p.sock",
        },
      }),
    );
    expect(config.credentials).toEqual({ type: "token", file: "/run/secrets/nats-token" });
    expect(config.podmanSocket).toBe("/run/p.sock");
  });

  it("config - names the setting, the value and its source for every bad value", async () => {
    const problems = await problemsOf(
      loadConfig(
        inputs({
          env: readEnv({
            IOT_AGENT_HEARTBEAT_SECONDS: "soon",
            IOT_AGENT_CREDENTIALS: "password:x",
          }),
          flags: { deviceId: "Not_A_Label", dataDir: "relative/dir" },
        }),
      ),
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^--device-id \(flag\) = "Not_A_Label": must be a DNS-1123 label/);
    expect(problems[1]).toMatch(/^IOT_AGENT_CREDENTIALS \(env\) = "password:x": must be "none"/);
    expect(problems[2]).toMatch(
      /^IOT_AGENT_HEARTBEAT_SECONDS \(env\) = "soon": must be a number of seconds/,
    );
    expect(problems[3]).toMatch(/^--data-dir \(flag\) = "relative\/dir": must be an absolute path/);
  });

  it("config - says how to set a required setting that is missing", async () => {
    const problems = await problemsOf(loadConfig(inputs({})));
    expect(problems).toEqual([
      'deviceId is required: set --device-id, env IOT_AGENT_DEVICE_ID or "deviceId" in the config file',
    ]);
  });

  it("config - rejects unknown keys and bad JSON in the config file, naming the file", async () => {
    const typo = await configFile({ deviceId: "pi-1", heartbeat: 5 });
    const [unknown] = await problemsOf(loadConfig(inputs({ configFlag: typo })));
    expect(unknown).toContain(`heartbeat in ${typo}: not a setting (known: deviceId, `);

    const broken = await configFile("{ deviceId: ");
    const [notJson] = await problemsOf(
      loadConfig(inputs({ env: readEnv({ IOT_AGENT_CONFIG: broken }) })),
    );
    expect(notJson).toContain(
      `config file ${broken} (named by IOT_AGENT_CONFIG (env)): not valid JSON`,
    );
  });

  it("config - reports a file value with the file as its source", async () => {
    const file = await configFile({ deviceId: "pi-1", natsServers: ["http://wrong"] });
    const [problem] = await problemsOf(loadConfig(inputs({ configFlag: file })));
    expect(problem).toBe(
      `natsServers in ${file} = ["http://wrong"]: "http://wrong" is not a NATS URL such as nats://host:4222 (or host:port) (at [0])`,
    );
  });
});
