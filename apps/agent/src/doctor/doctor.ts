// `iot-agent doctor`: for a person installing a device, checks each link the
// agent depends on, in the order the agent uses them, with the agent's own
// settings and code paths (credential file checks, token source, connection
// options, desired-state consumer, podman client).
import { BUCKET_DESIRED_STATE, deviceInboxPrefix, type DeviceCredentials } from "@fleet/contracts";
import { formatProblem } from "@fleet/runtime";
import { jetstream } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import {
  AuthorizationError,
  connect,
  PermissionViolationError,
  tokenAuthenticator,
  type NatsConnection,
} from "@nats-io/transport-node";
import { credentialProblems, type ResolvedSettings } from "../config/load.js";
import { messageOf } from "../errors.js";
import { inspectCredentialFile } from "../identity/credential-file.js";
import { deviceTokenSource } from "../nats/credentials.js";
import { openDesiredStateConsumer } from "../nats/desired-watch.js";
import { PodmanClient } from "../podman/client.js";
import { Checklist, type CheckOutcome } from "./checklist.js";

/** The checks, in the order they run and are printed. */
export const CHECKS = {
  keyFile: "key file readable and private",
  token: "token issued",
  nats: "NATS accepts the connection",
  ownKeys: "own keys readable",
  otherKeys: "another device's key refused",
  podman: "podman socket answers",
} as const;

export const DOCTOR_CHECK_TIMEOUT_MS = 10_000;

/** The key read in the device's own desired state, and in another's; it need not exist. */
const PROBE_KEY = "doctor-probe";

/** A device id that is not `own`. */
const otherDevice = (own: string): string =>
  own === "doctor-other" ? "doctor-other-2" : "doctor-other";

const inWords = (ms: number): string =>
  ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/** Direct get, as the agent's permissions allow (never the raw STREAM.MSG.GET). */
function desiredState(nc: NatsConnection): Promise<KV> {
  return new Kvm(jetstream(nc)).open(BUCKET_DESIRED_STATE, { allow_direct: true });
}

function isPermissionViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof PermissionViolationError) return true;
  }
  return false;
}

async function keyFileCheck(resolved: ResolvedSettings): Promise<CheckOutcome<DeviceCredentials>> {
  const file = resolved.settings.credentials;
  const report = await inspectCredentialFile(file);
  const problems = credentialProblems(resolved, report);
  const credentials = report.credentials;
  if (problems.length > 0 || credentials === undefined) {
    // A key that is readable but not private can still show whether the rest works.
    return {
      passed: false,
      detail: problems.map(formatProblem).join("; "),
      ...(credentials === undefined ? {} : { value: credentials }),
    };
  }
  const mode = (report.mode ?? 0).toString(8).padStart(4, "0");
  return {
    passed: true,
    detail: `${file} (mode ${mode}) for device ${credentials.deviceId}: machine user ${credentials.userId}, key ${credentials.keyId}`,
    value: credentials,
  };
}

async function tokenCheck(credentials: DeviceCredentials): Promise<CheckOutcome<string>> {
  const issued = await deviceTokenSource(credentials).token();
  return {
    passed: true,
    detail: `${credentials.issuer} issued an access token for machine user ${credentials.userId}, valid for ${inWords(issued.expiresAt.getTime() - Date.now())}`,
    value: issued.value,
  };
}

async function natsCheck(
  credentials: DeviceCredentials,
  servers: string[],
  token: string,
  timeoutMs: number,
): Promise<CheckOutcome<NatsConnection>> {
  const device = credentials.deviceId;
  try {
    const nc = await connect({
      servers,
      authenticator: tokenAuthenticator(token),
      inboxPrefix: deviceInboxPrefix(device),
      timeout: timeoutMs,
      reconnect: false,
    });
    const version = nc.info?.version ?? "?";
    return {
      passed: true,
      detail: `${nc.getServer()} (nats-server ${version}) let device ${device} in`,
      value: nc,
    };
  } catch (error) {
    const reason =
      error instanceof AuthorizationError
        ? `refused device ${device}'s token (${messageOf(error)}): the identity service did not ` +
          "let it in; is the device disabled or removed, or is iot-identity not running?"
        : messageOf(error);
    throw new Error(`${servers.join(", ")}: ${reason}`, { cause: error });
  }
}

async function ownKeysCheck(nc: NatsConnection, device: string): Promise<CheckOutcome<never>> {
  await (await desiredState(nc)).get(`${device}.${PROBE_KEY}`);
  // The agent's own watch consumer; its info from creation counts the keys.
  const consumer = await openDesiredStateConsumer(jetstream(nc), device);
  const { num_pending: keys } = await consumer.info(true);
  return {
    passed: true,
    detail: `got ${device}.${PROBE_KEY} and watched ${device}.> in ${BUCKET_DESIRED_STATE} (${keys} key${keys === 1 ? "" : "s"})`,
  };
}

async function otherKeysCheck(nc: NatsConnection, device: string): Promise<CheckOutcome<never>> {
  const key = `${otherDevice(device)}.${PROBE_KEY}`;
  try {
    await (await desiredState(nc)).get(key);
  } catch (error) {
    if (!isPermissionViolation(error)) throw error;
    return {
      passed: true,
      detail: `getting ${key} is a permissions violation: this credential reads only device ${device}'s desired state`,
    };
  }
  return {
    passed: false,
    detail:
      `getting ${key} was allowed: this credential can read other devices' desired state; ` +
      "NATS does not enforce per-device permissions (see docs/nats.md, the auth callout)",
  };
}

async function podmanCheck(socket: string, signal: AbortSignal): Promise<CheckOutcome<never>> {
  const podman = new PodmanClient(socket);
  try {
    const { body } = await podman.send("GET", "/version", { signal });
    const version = ((await body.json()) as { Version?: unknown }).Version;
    return {
      passed: true,
      detail: `podman ${typeof version === "string" ? version : "?"} answered at ${socket}`,
    };
  } finally {
    await podman.close();
  }
}

/** Runs every check it can; the checklist holds one result per check, in CHECKS order. */
export async function runDoctor(
  resolved: ResolvedSettings,
  timeoutMs: number = DOCTOR_CHECK_TIMEOUT_MS,
): Promise<Checklist> {
  const list = new Checklist(timeoutMs);
  const credentials = await list.run(CHECKS.keyFile, () => keyFileCheck(resolved));

  let token: string | undefined;
  if (credentials === undefined) list.notRun(CHECKS.token, "a readable credential file");
  else token = await list.run(CHECKS.token, () => tokenCheck(credentials));

  let nc: NatsConnection | undefined;
  if (credentials === undefined || token === undefined) {
    list.notRun(CHECKS.nats, "an access token");
  } else {
    const servers = resolved.settings.natsServers ?? credentials.natsServers;
    const issued = token;
    nc = await list.run(CHECKS.nats, () => natsCheck(credentials, servers, issued, timeoutMs));
  }

  if (credentials === undefined || nc === undefined) {
    list.notRun(CHECKS.ownKeys, "a NATS connection");
    list.notRun(CHECKS.otherKeys, "a NATS connection");
  } else {
    const [connection, device] = [nc, credentials.deviceId];
    await list.run(CHECKS.ownKeys, () => ownKeysCheck(connection, device));
    await list.run(CHECKS.otherKeys, () => otherKeysCheck(connection, device));
    await connection.close();
  }

  const socket = resolved.settings.podmanSocket;
  await list.run(CHECKS.podman, (signal) => podmanCheck(socket, signal));
  return list;
}
