import { describe, expect, it } from "vitest";
import { readPlatformEnv } from "./env.js";

describe("env - local platform settings", () => {
  it("uses the documented default ports when nothing is set", () => {
    const env = readPlatformEnv({});
    expect(env.FLEET_KUBE_PORT).toBe(26443);
    expect(env.FLEET_NATS_PORT).toBe(24222);
  });

  it("accepts an override given as a string", () => {
    expect(readPlatformEnv({ FLEET_NATS_PORT: "4333" }).FLEET_NATS_PORT).toBe(4333);
  });

  it("runs Toxiproxy only when FLEET_TOXIPROXY asks, and names a bad value", () => {
    expect(readPlatformEnv({}).FLEET_TOXIPROXY).toBeUndefined();
    expect(readPlatformEnv({ FLEET_TOXIPROXY: "1" }).FLEET_TOXIPROXY).toBe(true);
    expect(readPlatformEnv({ FLEET_TOXIPROXY: "false" }).FLEET_TOXIPROXY).toBe(false);
    expect(() => readPlatformEnv({ FLEET_TOXIPROXY: "yes" })).toThrow(
      /FLEET_TOXIPROXY: must be "1" or "true"/,
    );
  });

  it("names every bad variable in one message", () => {
    expect(() => readPlatformEnv({ FLEET_KUBE_PORT: "http", FLEET_NATS_WS_PORT: "80" })).toThrow(
      /FLEET_KUBE_PORT: .*FLEET_NATS_WS_PORT: /,
    );
  });
});
