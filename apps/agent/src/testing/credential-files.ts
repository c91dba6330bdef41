// Credential files for unit tests: a real RSA key in Zitadel's key format plus
// the fields `iot-operator device add` writes, saved with the mode a test needs.
import { generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeviceCredentials } from "@fleet/contracts";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

export function sampleCredentials(overrides: Partial<DeviceCredentials> = {}): DeviceCredentials {
  return {
    type: "serviceaccount",
    keyId: "290512345678901234",
    key: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
    userId: "290512345678900001",
    deviceId: "pi-1",
    issuer: "https://idp.example",
    projectId: "290500000000000001",
    natsServers: ["nats://nats.example:4222"],
    ...overrides,
  };
}

/** Writes `content` (credentials, or raw text) to a fresh file with `mode` (0600 unless given); returns its path. */
export async function writeCredentialFile(
  content: DeviceCredentials | string = sampleCredentials(),
  mode = 0o600,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "iot-agent-credentials-"));
  const file = join(dir, "credentials.json");
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content), { mode });
  await chmod(file, mode); // the umask may have taken bits away
  return file;
}
