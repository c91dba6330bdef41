import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { EnvError, parseEnv } from "./env";

// Key and credential files only need to be readable to pass.
const readableFile = fileURLToPath(import.meta.url);
const required = {
  NATS_WS_URL: "wss://nats.example.com",
  LIVE_TICKET_KEY_FILE: readableFile,
  OIDC_ISSUER: "https://id.example.com",
  OIDC_CLIENT_ID: "fleet-dashboard",
  OIDC_CLIENT_SECRET: "secret",
  SESSION_SECRET: "0123456789abcdef0123456789abcdef",
};

function envError(source: Record<string, string>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected an EnvError");
}

describe("dashboard environment", () => {
  it("NATS_URL: one server by default, several comma-separated", () => {
    expect(parseEnv(required).NATS_URL).toEqual(["nats://127.0.0.1:4222"]);
    expect(parseEnv({ ...required, NATS_URL: "nats://a:4222, nats://b:4222" }).NATS_URL).toEqual([
      "nats://a:4222",
      "nats://b:4222",
    ]);
    expect(envError({ ...required, NATS_URL: "nats://a:4222,," }).message).toContain("NATS_URL");
  });

  it("NATS_CREDENTIALS_FILE: optional, and a file that cannot be read is named", () => {
    expect(parseEnv(required).NATS_CREDENTIALS_FILE).toBeUndefined();
    const readable = fileURLToPath(import.meta.url);
    expect(parseEnv({ ...required, NATS_CREDENTIALS_FILE: readable }).NATS_CREDENTIALS_FILE).toBe(
      readable,
    );
    expect(
      envError({ ...required, NATS_CREDENTIALS_FILE: "/nonexistent/nats.creds" }).message,
    ).toContain("NATS_CREDENTIALS_FILE: cannot read this file");
  });

  it("SESSION_SECRET: required, at least 32 characters, never derived from another secret", () => {
    const { SESSION_SECRET: _omitted, ...withoutSecret } = required;
    expect(envError(withoutSecret).message).toContain("SESSION_SECRET");
    expect(envError({ ...required, SESSION_SECRET: "short" }).message).toContain(
      "SESSION_SECRET: must be at least 32 characters",
    );
    expect(parseEnv(required).SESSION_SECRET).toBe(required.SESSION_SECRET);
  });

  it("OIDC_ISSUER: https only (the API server accepts no other issuer)", () => {
    expect(envError({ ...required, OIDC_ISSUER: "http://127.0.0.1:9090" }).message).toContain(
      "OIDC_ISSUER: must be an https URL",
    );
  });

  it("OIDC_CA_FILE: optional, and a file that cannot be read is named", () => {
    expect(parseEnv(required).OIDC_CA_FILE).toBeUndefined();
    const readable = fileURLToPath(import.meta.url);
    expect(parseEnv({ ...required, OIDC_CA_FILE: readable }).OIDC_CA_FILE).toBe(readable);
    expect(envError({ ...required, OIDC_CA_FILE: "/nonexistent/ca.crt" }).message).toContain(
      "OIDC_CA_FILE: cannot read this file",
    );
  });

  it("LIVE_TICKET_KEY_FILE: required, and named when unreadable", () => {
    expect(
      envError({ ...required, LIVE_TICKET_KEY_FILE: "/nonexistent/ticket.pem" }).message,
    ).toContain("LIVE_TICKET_KEY_FILE: cannot read this file");
  });

  it("names every missing required variable in one message", () => {
    const message = envError({}).message;
    for (const name of Object.keys(required)) expect(message).toContain(name);
  });
});
