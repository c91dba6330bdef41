// `iot-agent enroll`, the flow: a key pair of the device's own (kept in the
// pending file beside the credential file), one enrollment request with the
// token and the public key, then status checks with a proof signed by that
// key, with backoff, until a deployer approved the device (the credential
// file is written: that key plus the identity issued for it) or disabled it
// (a clear error). Every step prints one line for the person at the device.
// The server and the clock come in as parameters, so the flow is unit-tested
// with a fake server; the real one is in the enrollment-flow integration test.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleepFor } from "node:timers/promises";
import type {
  DeviceCredentials,
  EnrollmentStatusResponse,
  Inventory,
  IssuedIdentity,
} from "@fleet/contracts";
import {
  checkCredentialsTarget,
  CredentialsFileExistsError,
  writeCredentialsFile,
} from "@fleet/provisioning/credentials-file";
import { Backoff } from "@fleet/runtime";
import { messageOf } from "../errors.js";
import { AGENT_VERSION } from "../version.js";
import type { EnrollmentApi } from "./enrollment-client.js";
import {
  EnrollmentInterruptedError,
  EnrollmentRefusedError,
  EnrollmentStateError,
  EnrollmentUnavailableError,
} from "./errors.js";
import {
  createPendingEnrollment,
  loadPendingEnrollment,
  markRequested,
  pendingEnrollmentPath,
  removePendingEnrollment,
  type PendingEnrollment,
} from "./pending-enrollment.js";
import { signEnrollmentProof } from "./proof.js";

/** The first pause between checks; they double up to `pollMaxMs`. */
const FIRST_POLL_MS = 1000;
/** A little jitter, so devices enrolled by one token do not check in lockstep. */
const POLL_JITTER = 0.2;

export interface EnrollRequest {
  server: string;
  deviceId: string;
  credentialsFile: string;
  /** false: stop once the request is accepted (--no-wait). */
  wait: boolean;
  pollMaxMs: number;
}

export interface EnrollDeps {
  api: EnrollmentApi;
  /** The token, read only when a request must be sent (a resumed enroll needs none). */
  token: () => Promise<string>;
  inventory: () => Promise<Inventory | undefined>;
  /** One progress line for the person at the device. */
  print: (line: string) => void;
  /** Aborting it stops the wait (Ctrl-C); the pending key stays for the next run. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export type EnrollResult =
  | { kind: "enrolled"; credentials: DeviceCredentials }
  /** --no-wait: the request is in; approval comes later. */
  | { kind: "requested" };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Makes the credential file's folder if it is missing (0700: a fresh device
 * runs enroll before anything else), and refuses to start when a credential
 * file is already there: it may be a working device's only key.
 */
async function checkTarget(credentialsFile: string, print: EnrollDeps["print"]): Promise<void> {
  try {
    const created = await mkdir(dirname(credentialsFile), { recursive: true, mode: 0o700 });
    if (created !== undefined) print(`created ${created} (mode 0700) for the credential file`);
  } catch (error) {
    throw new EnrollmentStateError(
      `cannot make the folder of the credential file ${credentialsFile} (--credentials): ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    await checkCredentialsTarget(credentialsFile);
  } catch (error) {
    if (error instanceof CredentialsFileExistsError) {
      throw new EnrollmentStateError(
        `${credentialsFile} already exists: this device is enrolled already (start the agent with ` +
          `--credentials ${credentialsFile}); to enroll it again, move that file away first`,
        { cause: error },
      );
    }
    throw new EnrollmentStateError(
      `cannot write the credential file ${credentialsFile} (--credentials): ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** The pending enrollment already on disk, if it is this one's; another device's or server's is refused. */
async function resumable(request: EnrollRequest): Promise<PendingEnrollment | undefined> {
  const path = pendingEnrollmentPath(request.credentialsFile);
  const existing = await loadPendingEnrollment(path);
  if (
    existing !== undefined &&
    (existing.deviceId !== request.deviceId || existing.server !== request.server)
  ) {
    throw new EnrollmentStateError(
      `${path} holds the pending enrollment of device ${existing.deviceId} at ${existing.server}: ` +
        `run enroll with --device-id ${existing.deviceId} --server ${existing.server} to resume it, or remove ${path} to start over`,
    );
  }
  return existing;
}

/** The credential file's content: the identity issued for the key plus that key (the device's own). */
function credentialsFor(pending: PendingEnrollment, identity: IssuedIdentity): DeviceCredentials {
  return {
    type: "serviceaccount",
    keyId: identity.keyId,
    key: pending.privateKeyPem,
    userId: identity.userId,
    deviceId: pending.deviceId,
    issuer: identity.issuer,
    projectId: identity.projectId,
    natsServers: identity.natsServers,
    ...(identity.issuerCa === undefined ? {} : { issuerCa: identity.issuerCa }),
  };
}

export async function enroll(request: EnrollRequest, deps: EnrollDeps): Promise<EnrollResult> {
  const sleep = deps.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
  const now = deps.now ?? Date.now;
  const { print, api, signal } = deps;

  await checkTarget(request.credentialsFile, print);
  const existing = await resumable(request);
  const resumed = existing !== undefined;
  // The token is checked before a key is generated: a bad one costs nothing.
  const token = existing?.requestedAt === undefined ? await deps.token() : undefined;
  let pending: PendingEnrollment;
  if (existing === undefined) {
    pending = await createPendingEnrollment(
      pendingEnrollmentPath(request.credentialsFile),
      request,
    );
    print(
      `generated this device's key pair (RSA-2048); its private key stays on this device, in ${pending.path}`,
    );
  } else {
    pending = existing;
    print(`resuming the pending enrollment of ${pending.deviceId} (key in ${pending.path})`);
  }

  /** Said when a signal ends the wait: the key stays for the next run. */
  const interrupted = (cause: unknown): EnrollmentInterruptedError =>
    new EnrollmentInterruptedError(
      `stopped while waiting; the pending key stays in ${pending.path}: run the same command again to resume`,
      { cause },
    );
  /** Waits `ms`, or ends the enroll when interrupted. */
  const pause = async (ms: number): Promise<void> => {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw signal?.aborted === true ? interrupted(error) : error;
    }
  };
  const retrying = new Backoff(
    { initialMs: FIRST_POLL_MS, maxMs: request.pollMaxMs, jitter: POLL_JITTER },
    deps.random,
  );
  /** Runs `call`, retrying while the server is unreachable or failing (said each time). */
  const untilAnswered = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        const answer = await call();
        retrying.reset();
        return answer;
      } catch (error) {
        if (signal?.aborted === true) throw interrupted(error);
        if (!(error instanceof EnrollmentUnavailableError)) throw error;
        const delay = retrying.next();
        print(`cannot ${what} (${error.message}); retrying in ${seconds(delay)}`);
        await pause(delay);
      }
    }
  };
  const checkStatus = async (): Promise<EnrollmentStatusResponse> =>
    untilAnswered("check the enrollment", async () =>
      api.status(
        pending.deviceId,
        await signEnrollmentProof(pending.privateKey, pending.deviceId, api.statusUrl, now()),
        signal,
      ),
    );

  /** The first answer when the request is already known to the server; undefined when it must be sent. */
  let first: EnrollmentStatusResponse | undefined;
  if (token !== undefined) {
    const inventory = await deps.inventory();
    const body = {
      token,
      deviceId: pending.deviceId,
      publicKey: pending.publicKeyPem,
      agentVersion: AGENT_VERSION,
      ...(inventory === undefined ? {} : { inventory }),
    };
    let outcome;
    try {
      outcome = await untilAnswered("send the enrollment request", () => api.request(body, signal));
    } catch (error) {
      // A resumed enroll may have been stopped after the server took its request (a
      // single-use token is then used up): if the server knows this key, carry on.
      if (!(resumed && error instanceof EnrollmentRefusedError)) throw error;
      first = await checkStatus().catch(() => {
        throw error;
      });
      outcome = undefined;
    }
    if (outcome?.kind === "accepted") {
      print(
        `enrollment requested: device ${outcome.response.deviceId} is ${outcome.response.phase}: ${outcome.response.message}`,
      );
      pending = await markRequested(pending, new Date(now()).toISOString());
    } else if (outcome?.kind === "exists") {
      print(
        `the server already has a device ${pending.deviceId} (${outcome.message}); checking whether it is this device's own request`,
      );
      first = await checkStatus().catch((error: unknown) => {
        if (!(error instanceof EnrollmentRefusedError)) throw error;
        throw new EnrollmentRefusedError(
          `the device id ${pending.deviceId} is taken by another device (${outcome.message}; ${error.message}): ` +
            `enroll with another --device-id, or ask a deployer to remove the Device ${pending.deviceId}`,
          { cause: error },
        );
      });
    }
    if (first !== undefined && pending.requestedAt === undefined) {
      pending = await markRequested(pending, new Date(now()).toISOString());
    }
  }

  if (!request.wait) {
    print(
      `not waiting for approval (--no-wait); run the same command again to wait for it (the key is in ${pending.path})`,
    );
    return { kind: "requested" };
  }

  const polling = new Backoff(
    { initialMs: FIRST_POLL_MS, maxMs: request.pollMaxMs, jitter: POLL_JITTER },
    deps.random,
  );
  let lastMessage: string | undefined;
  for (;;) {
    const answer = first ?? (await checkStatus());
    first = undefined;
    switch (answer.phase) {
      case "PendingApproval": {
        const delay = polling.next();
        const said =
          answer.message === lastMessage
            ? "still pending approval"
            : `pending approval: ${answer.message}`;
        lastMessage = answer.message;
        print(`${said}; next check in ${seconds(delay)}`);
        await pause(delay);
        break;
      }
      case "Disabled":
        throw new EnrollmentRefusedError(
          `device ${pending.deviceId} is disabled: ${answer.message}. The pending key stays in ${pending.path}: ` +
            "run the same command again once a deployer enables it, or remove that file to start over",
        );
      case "Enrolled": {
        const { identity } = answer;
        const credentials = credentialsFor(pending, identity);
        // Checked against the contract before a byte is written; 0600, atomic, never over another file.
        await writeCredentialsFile(request.credentialsFile, credentials);
        await removePendingEnrollment(pending);
        print(
          `enrolled: device ${pending.deviceId} approved, identity ${identity.userId} (key ${identity.keyId}); ` +
            `credential file written to ${request.credentialsFile} (0600). Start the agent with --credentials ${request.credentialsFile}`,
        );
        return { kind: "enrolled", credentials };
      }
    }
  }
}
