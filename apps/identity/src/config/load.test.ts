import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isConfigError } from "@fleet/runtime";
import { beforeAll, describe, expect, it } from "vitest";
import { parseArgs } from "../cli.js";
import { loadConfig } from "./load.js";

let dir: string;
let file: string;
let required: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "identity-config-"));
  file = join(dir, "secret");
  await writeFile(file, "x", { mode: 0o600 });
  required = {
    NATS_CREDENTIALS_FILE: file,
    NATS_SYSTEM_CREDENTIALS_FILE: file,
    NATS_CALLOUT_ISSUER_SEED_FILE: file,
    NATS_CALLOUT_XKEY_SEED_FILE: file,
    BROWSER_TICKET_PUBLIC_KEY_FILE: file,
    OIDC_ISSUER: "https://idp.example.com/",
    ZITADEL_PROJECT_ID: "3141592",
  };
});

async function problems(argv: string[], env: Record<string, string>): Promise<string> {
  const error = await loadConfig(parseArgs(argv, env)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConfigError(error)) throw new Error("expected a configuration error");
  return error.message;
}

describe("identity config - sources and defaults", () => {
  it("takes the required settings from env and fills in the defaults", async () => {
    const config = await loadConfig(parseArgs([], required));
    expect(config.idpIssuer).toBe("https://idp.example.com");
    expect(config.natsServers).toStrictEqual(["nats://127.0.0.1:4222"]);
    expect(config.calloutAccount).toBe("$G");
    expect(config.deviceJwtMaxLifetimeSeconds).toBe(3600);
    expect(config.httpPort).toBe(8080);
  });

  it("prefers a flag to the environment, and the environment to the config file", async () => {
    const configFile = join(dir, "identity.json");
    await writeFile(configFile, JSON.stringify({ idpProjectId: "from-file", httpPort: 9001 }));
    const { ZITADEL_PROJECT_ID: _, ...env } = required;
    const config = await loadConfig(
      parseArgs(["--config", configFile, "--http-port", "9002"], env),
    );
    expect(config.idpProjectId).toBe("from-file");
    expect(config.httpPort).toBe(9002);
  });
});

describe("identity config - bad settings are named", () => {
  it("names each missing secret file with how to set it", async () => {
    const message = await problems([], {});
    expect(message).toContain(
      "natsCredentials is required: set --nats-credentials, env NATS_CREDENTIALS_FILE",
    );
    expect(message).toContain("calloutXkeySeed is required");
    expect(message).toContain("browserTicketPublicKey is required");
    expect(message).toContain("idpIssuer is required");
  });

  it("names an unreadable file, a plain-http issuer and a bad port with their sources", async () => {
    const message = await problems(["--http-port", "70000"], {
      ...required,
      NATS_SYSTEM_CREDENTIALS_FILE: join(dir, "missing.creds"),
      OIDC_ISSUER: "http://idp.example.com",
    });
    expect(message).toMatch(
      /NATS_SYSTEM_CREDENTIALS_FILE \(env\) = ".*missing.creds": cannot read/,
    );
    expect(message).toContain('OIDC_ISSUER (env) = "http://idp.example.com": must be an https URL');
    expect(message).toContain('--http-port (flag) = "70000": must be a port');
  });
});

describe("identity config - enrollment", () => {
  it("runs no enrollment by default", async () => {
    const config = await loadConfig(parseArgs([], required));
    expect(config.idpAdminKey).toBeUndefined();
    expect(config.enrollmentTlsCert).toBeUndefined();
    expect(config.enrollmentPort).toBe(8443);
  });

  it("reads the IdP admin key and takes the enrollment API's settings together", async () => {
    const adminKey = join(dir, "admin-key.json");
    const key = {
      type: "serviceaccount",
      keyId: "1",
      userId: "2",
      key: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    };
    await writeFile(adminKey, JSON.stringify(key), { mode: 0o600 });
    const config = await loadConfig(
      parseArgs(["--enrollment-public-url", "https://enroll.example.com/"], {
        ...required,
        ZITADEL_ADMIN_KEY_FILE: adminKey,
        ENROLLMENT_TLS_CERT_FILE: file,
        ENROLLMENT_TLS_KEY_FILE: file,
        DEVICE_NATS_URL: "tls://nats.example.com:4222",
      }),
    );
    expect(config.idpAdminKey).toEqual(key);
    expect(config.enrollmentPublicUrl).toBe("https://enroll.example.com");
    expect(config.deviceNatsServers).toEqual(["tls://nats.example.com:4222"]);
  });

  it("names what the enrollment API is missing: its other settings and the IdP admin key", async () => {
    const message = await problems([], { ...required, ENROLLMENT_TLS_CERT_FILE: file });
    expect(message).toContain(
      "ENROLLMENT_TLS_KEY_FILE (--enrollment-tls-key) is missing: the enrollment API needs",
    );
    expect(message).toContain("ENROLLMENT_PUBLIC_URL (--enrollment-public-url) is missing");
    expect(message).toContain("ZITADEL_ADMIN_KEY_FILE (--idp-admin-key-file) is missing");
  });

  it("refuses an admin key file others may read", async () => {
    const open = join(dir, "open-key.json");
    await writeFile(open, "{}", { mode: 0o644 });
    const message = await problems([], { ...required, ZITADEL_ADMIN_KEY_FILE: open });
    expect(message).toContain("ZITADEL_ADMIN_KEY_FILE (env)");
    expect(message).toContain("chmod 600");
  });
});
