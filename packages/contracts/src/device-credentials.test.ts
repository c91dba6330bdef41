import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MAX_CREDENTIALS_FILE_BYTES,
  parseDeviceCredentials,
  parseZitadelKey,
  type DeviceCredentials,
} from "./device-credentials.js";
import { isPayloadError } from "./errors.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pkcs1 = privateKey.export({ format: "pem", type: "pkcs1" }).toString();
const pkcs8 = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n";

const valid: DeviceCredentials = {
  type: "serviceaccount",
  keyId: "290512345678901234",
  key: pkcs1,
  userId: "290512345678900001",
  deviceId: "device-a",
  issuer: "https://127.0.0.1:29420",
  projectId: "290500000000000001",
  natsServers: ["nats://127.0.0.1:4222"],
  issuerCa: CA,
};

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isPayloadError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected a PayloadError");
}

describe("device credentials", () => {
  it("parses a credential file with a PKCS#1 or PKCS#8 key, with or without a CA", () => {
    expect(parseDeviceCredentials(JSON.stringify(valid))).toEqual(valid);
    const { issuerCa: _ca, ...withoutCa } = valid;
    expect(parseDeviceCredentials(JSON.stringify({ ...withoutCa, key: pkcs8 }))).toEqual({
      ...withoutCa,
      key: pkcs8,
    });
  });

  it("takes the NATS servers as comma-separated text too", () => {
    const parsed = parseDeviceCredentials(
      JSON.stringify({ ...valid, natsServers: "nats://a:4222,nats://b:4222" }),
    );
    expect(parsed.natsServers).toEqual(["nats://a:4222", "nats://b:4222"]);
  });

  it("names each wrong field and never echoes the key", () => {
    const message = errorOf(() =>
      parseDeviceCredentials(
        JSON.stringify({
          ...valid,
          type: "application",
          key: "not a key",
          userId: "../admin",
          issuer: "http://idp.example",
          natsServers: [],
        }),
      ),
    );
    expect(message).toContain('type: must be "serviceaccount"');
    expect(message).toContain("key: must be a PEM RSA private key");
    expect(message).toContain("userId: must be letters, digits");
    expect(message).toContain("issuer: must be an https URL");
    expect(message).toContain("natsServers: must list at least one NATS server");
    expect(message).not.toContain("not a key");
  });

  it("names missing fields", () => {
    const { deviceId: _d, projectId: _p, ...partial } = valid;
    const message = errorOf(() => parseDeviceCredentials(JSON.stringify(partial)));
    expect(message).toMatch(/deviceId: .*/);
    expect(message).toMatch(/projectId: .*/);
  });

  it("refuses a CA that is not PEM certificates", () => {
    expect(
      errorOf(() => parseDeviceCredentials(JSON.stringify({ ...valid, issuerCa: pkcs1 }))),
    ).toContain("issuerCa: must be PEM certificate(s)");
  });

  it("refuses text that is not JSON, and an oversize file before parsing it", () => {
    expect(errorOf(() => parseDeviceCredentials("{"))).toMatch(
      /^invalid device credentials: not JSON/,
    );
    const huge = JSON.stringify({ ...valid, padding: "x".repeat(MAX_CREDENTIALS_FILE_BYTES) });
    expect(errorOf(() => parseDeviceCredentials(huge))).toContain(
      `more than the ${MAX_CREDENTIALS_FILE_BYTES} a credential file may have`,
    );
  });

  it("parses a bare Zitadel key file and drops fields it does not know", () => {
    const file = { type: "serviceaccount", keyId: "1", key: pkcs1, userId: "2", extra: true };
    expect(parseZitadelKey(JSON.stringify(file))).toEqual({
      type: "serviceaccount",
      keyId: "1",
      key: pkcs1,
      userId: "2",
    });
    expect(errorOf(() => parseZitadelKey(JSON.stringify({ ...file, keyId: "" })))).toContain(
      "keyId: must not be empty",
    );
  });
});
