import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../env";
import { provisioningSettings } from "./provisioning-settings";

const folder = mkdtempSync(join(tmpdir(), "web-provisioning-"));
const key = {
  type: "serviceaccount",
  keyId: "admin-key",
  key: generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString(),
  userId: "provisioner",
};

function keyFile(name: string, mode: number): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(key));
  chmodSync(path, mode);
  return path;
}

const base = {
  NATS_WS_URL: "wss://nats.example.com",
  LIVE_TICKET_KEY_FILE: keyFile("ticket.pem", 0o600),
  OIDC_ISSUER: "https://id.example.com",
  OIDC_CLIENT_ID: "fleet-dashboard",
  OIDC_CLIENT_SECRET: "secret",
  SESSION_SECRET: "0123456789abcdef0123456789abcdef",
};
const provisioning = {
  ZITADEL_ADMIN_KEY_FILE: keyFile("admin.json", 0o600),
  ZITADEL_PROJECT_ID: "fleet",
  DEVICE_NATS_URL: "tls://nats.example.com:4222",
};

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function settingsError(source: Record<string, string>): string {
  try {
    provisioningSettings(parseEnv(source));
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  throw new Error("expected an EnvError");
}

describe("device provisioning settings", () => {
  it("none set: the dashboard does not provision", () => {
    expect(provisioningSettings(parseEnv(base))).toBeUndefined();
  });

  it("all set: the admin key, the project and the devices' NATS servers", () => {
    expect(provisioningSettings(parseEnv({ ...base, ...provisioning }))).toEqual({
      issuer: "https://id.example.com",
      issuerCa: undefined,
      adminKey: key,
      projectId: "fleet",
      natsServers: ["tls://nats.example.com:4222"],
    });
  });

  it("some set: names what is missing instead of half a feature", () => {
    expect(settingsError({ ...base, ZITADEL_PROJECT_ID: "fleet" })).toBe(
      "invalid dashboard environment: device provisioning needs ZITADEL_ADMIN_KEY_FILE, ZITADEL_PROJECT_ID, DEVICE_NATS_URL; ZITADEL_PROJECT_ID set but ZITADEL_ADMIN_KEY_FILE, DEVICE_NATS_URL not",
    );
  });

  it("refuses an admin key file that others may read", () => {
    const loose = keyFile("loose.json", 0o644);
    expect(settingsError({ ...base, ...provisioning, ZITADEL_ADMIN_KEY_FILE: loose })).toContain(
      `ZITADEL_ADMIN_KEY_FILE: ${loose} is open to others (mode 644)`,
    );
  });
});
