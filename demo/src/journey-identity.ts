// The journey's identity steps: the demo device is on NATS as itself (admitted
// by the identity service's auth callout as device:<id>), may read only its own
// keys, and is disconnected and refused while disabled.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { execa } from "execa";
import { parseDeviceCredentials } from "@fleet/contracts";
import { deviceUserName } from "@fleet/identity";
import { accessToken, connectAsDevice } from "@fleet/identity/testing";
import { inheritedEnvironment, REPO_ROOT, waitUntil } from "@fleet/local-platform";
import type { Provisioning } from "@fleet/provisioning";
import { AuthorizationError } from "@nats-io/transport-node";
import { connectedNatsUsers } from "./nats-monitor.js";
import type { Stack } from "./stack.js";

const AGENT_BIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");
const TIMEOUT_MS = 60_000;

/** How many open NATS connections nats-server has admitted as this device's user. */
async function deviceConnections(stack: Stack, device: string): Promise<number> {
  const users = await connectedNatsUsers(stack.connection.natsMonitorUrl);
  return users.filter((user) => user === deviceUserName(device)).length;
}

function credentialsFileOf(stack: Stack, device: string): string {
  const file = stack.credentialsFiles[device];
  if (file === undefined) throw new Error(`${device} has no credential file in this stack`);
  return file;
}

/**
 * The agent is connected as device:<id>, and `iot-agent doctor` with the
 * device's credential file passes every check, among them: its own keys
 * readable, another device's key refused.
 */
export async function deviceIsItself(stack: Stack, device: string): Promise<void> {
  await waitUntil(async () => (await deviceConnections(stack, device)) === 1, {
    what: `one NATS connection as ${deviceUserName(device)}`,
    timeoutMs: TIMEOUT_MS,
  });
  const doctor = await execa(
    process.execPath,
    [
      ...["--import", "tsx", AGENT_BIN, "doctor"],
      ...["--credentials", credentialsFileOf(stack, device)],
      ...["--podman-socket", stack.connection.podmanSocket],
    ],
    { cwd: REPO_ROOT, env: inheritedEnvironment(), reject: false, all: true, timeout: TIMEOUT_MS },
  );
  if (doctor.exitCode !== 0 || !doctor.all.includes("another device's key refused"))
    throw new Error(`iot-agent doctor failed (exit ${String(doctor.exitCode)}):\n${doctor.all}`);
}

/**
 * Disabling the device closes its agent's connection and the identity service
 * refuses a token the IdP issued before; enabling it lets the agent back in,
 * and its heartbeat (`heartbeatSince`) goes on.
 */
export async function disableThenEnable(
  stack: Stack,
  device: string,
  provisioning: Provisioning,
  heartbeatSince: (since: number) => Promise<boolean>,
): Promise<void> {
  const credentials = parseDeviceCredentials(
    await readFile(credentialsFileOf(stack, device), "utf8"),
  );
  // Issued while enabled: the IdP will not issue one once the machine user is deactivated.
  const token = await accessToken(credentials, credentials);
  await provisioning.disableDevice(device);
  let enabled = false;
  try {
    await waitUntil(async () => (await deviceConnections(stack, device)) === 0, {
      what: `${device}'s connection closed`,
      timeoutMs: TIMEOUT_MS,
    });
    const refusal = await connectAsDevice(stack.connection, device, token.value).then(
      async (nc) => {
        await nc.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    if (!(refusal instanceof AuthorizationError))
      throw new Error(`NATS did not refuse disabled ${device} as unauthorized`, { cause: refusal });
    await provisioning.enableDevice(device);
    enabled = true;
    const since = Date.now();
    await waitUntil(() => heartbeatSince(since), {
      what: `a heartbeat of ${device} after it was enabled`,
      timeoutMs: TIMEOUT_MS,
    });
  } finally {
    // A failed step must not leave the demo's device disabled for the next run.
    if (!enabled) await provisioning.enableDevice(device).catch(() => undefined);
  }
}
