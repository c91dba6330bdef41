import { describe, expect, it } from "vitest";
import { z } from "zod";
import { resolveConfig, type Settings } from "./config.js";
import { isConfigError, type ConfigError } from "./errors.js";

const seconds = z.coerce
  .number({ error: "must be a number of seconds" })
  .positive("must be positive");

const SETTINGS = {
  heartbeatPeriod: {
    schema: seconds,
    flag: "heartbeat-period",
    env: "HEARTBEAT_PERIOD",
    default: 5,
  },
  deviceId: {
    schema: z.string().regex(/^[a-z0-9-]+$/, "must be a DNS label"),
    flag: "device-id",
    env: "DEVICE_ID",
    required: true,
  },
  servers: {
    schema: z.array(z.string().startsWith("nats://", "must be a NATS URL")),
    default: ["nats://127.0.0.1:4222"],
  },
  namespace: { schema: z.string(), flag: "namespace" },
} satisfies Settings;

function problemsOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config - precedence", () => {
  it("config - flag beats env, env beats the file, the file beats the default", () => {
    const file = {
      path: "/etc/iot/agent.json",
      values: { heartbeatPeriod: 7, deviceId: "from-file", servers: ["nats://f:4222"] },
    };
    expect(resolveConfig(SETTINGS, { file })).toEqual({
      heartbeatPeriod: 7,
      deviceId: "from-file",
      servers: ["nats://f:4222"],
      namespace: undefined,
    });
    const env = { HEARTBEAT_PERIOD: "3", DEVICE_ID: "from-env" };
    expect(resolveConfig(SETTINGS, { env, file })).toMatchObject({
      heartbeatPeriod: 3,
      deviceId: "from-env",
    });
    expect(resolveConfig(SETTINGS, { flags: { deviceId: "from-flag" }, env, file })).toMatchObject({
      heartbeatPeriod: 3,
      deviceId: "from-flag",
    });
  });

  it("config - applies defaults through the schema and leaves optional settings unset", () => {
    const config = resolveConfig(SETTINGS, { flags: { deviceId: "pi-1" } });
    expect(config).toEqual({
      heartbeatPeriod: 5,
      deviceId: "pi-1",
      servers: ["nats://127.0.0.1:4222"],
      namespace: undefined,
    });
  });
});

describe("config - errors name the source", () => {
  it("config - every bad value is listed with its source and raw value, in settings order", () => {
    const error = problemsOf(() =>
      resolveConfig(SETTINGS, {
        flags: { heartbeatPeriod: "soon" },
        env: { DEVICE_ID: "Pi_1" },
        file: { path: "/etc/iot/agent.json", values: { servers: ["http://x"] } },
      }),
    );
    expect(error.problems.map((p) => [p.setting, p.source?.kind])).toEqual([
      ["heartbeatPeriod", "flag"],
      ["deviceId", "env"],
      ["servers", "file"],
    ]);
    expect(error.message.split("\n")).toEqual([
      "invalid configuration:",
      '  --heartbeat-period (flag) = "soon": must be a number of seconds',
      '  DEVICE_ID (env) = "Pi_1": must be a DNS label',
      '  servers in /etc/iot/agent.json = ["http://x"]: must be a NATS URL (at [0])',
    ]);
  });

  it("config - a bad default is named as the default", () => {
    const settings = {
      port: { schema: z.coerce.number().max(10, "too big"), flag: "port", default: 99 },
    } satisfies Settings;
    expect(problemsOf(() => resolveConfig(settings, {})).message).toContain(
      "--port (default) = 99: too big",
    );
  });

  it("config - a missing required setting says every way to set it", () => {
    const error = problemsOf(() => resolveConfig(SETTINGS, { acceptsFile: true }));
    expect(error.problems).toEqual([
      {
        setting: "deviceId",
        source: undefined,
        reason:
          'deviceId is required: set --device-id, env DEVICE_ID or "deviceId" in the config file',
      },
    ]);
    expect(problemsOf(() => resolveConfig(SETTINGS, {})).problems[0]?.reason).toBe(
      "deviceId is required: set --device-id or env DEVICE_ID",
    );
  });
});
