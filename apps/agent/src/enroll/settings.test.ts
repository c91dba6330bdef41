import { isConfigError } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { DEFAULT_ENROLL_CREDENTIALS, resolveEnrollSettings } from "./settings.js";

const server = "https://fleet.example:8443";

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("enroll - settings", () => {
  it("enroll - defaults: the packaged credential path, the host's name as device id, 10 s between checks at most", () => {
    const settings = resolveEnrollSettings({ server }, {}, "Pi-Kitchen.lan");
    expect(settings).toMatchObject({
      server,
      deviceId: "pi-kitchen",
      credentials: DEFAULT_ENROLL_CREDENTIALS,
      pollMaxSeconds: 10,
    });
    expect(settings.serverCa).toBeUndefined();
    expect(settings.tokenFile).toBeUndefined();
  });

  it("enroll - flags win over env", () => {
    const settings = resolveEnrollSettings(
      { server, deviceId: "pi-2" },
      { IOT_AGENT_DEVICE_ID: "pi-env", IOT_ENROLL_POLL_MAX_SECONDS: "5" },
      "host",
    );
    expect(settings).toMatchObject({ deviceId: "pi-2", pollMaxSeconds: 5 });
  });

  it("enroll - an http:// server is refused, naming the flag and why", () => {
    const message = problemsOf(() =>
      resolveEnrollSettings({ server: "http://fleet.example:8080" }, {}, "host"),
    );
    expect(message).toContain('--server (flag) = "http://fleet.example:8080"');
    expect(message).toContain("http:// is refused");
  });

  it("enroll - a missing server says how to set it; every bad flag is named at once", () => {
    const message = problemsOf(() =>
      resolveEnrollSettings(
        { deviceId: "Pi_1", credentials: "relative.json", pollMaxSeconds: "0" },
        {},
        "host",
      ),
    );
    expect(message).toContain("server is required: set --server or env IOT_ENROLL_SERVER");
    expect(message).toContain('--device-id (flag) = "Pi_1": must be a DNS-1123 label');
    expect(message).toContain('--credentials (flag) = "relative.json": must be an absolute path');
    expect(message).toContain('--poll-max-seconds (flag) = "0": must be a number of seconds');
  });

  it("enroll - a host name that gives no id asks for --device-id", () => {
    expect(problemsOf(() => resolveEnrollSettings({ server }, {}, "___"))).toContain(
      "set --device-id",
    );
  });
});
