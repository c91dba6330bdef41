// The enroll flow against a fake enrollment server (a pure stand-in for the
// HTTP API: it checks tokens and proofs like iot-identity does). The real
// server, approval and agent are in enrollment-flow.integration.test.ts.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseDeviceCredentials,
  type EnrollmentRequest,
  type EnrollmentStatusResponse,
  type IssuedIdentity,
} from "@fleet/contracts";
import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { enroll, type EnrollDeps, type EnrollRequest } from "./enroll.js";
import type { EnrollmentApi, RequestOutcome } from "./enrollment-client.js";
import {
  EnrollmentInterruptedError,
  EnrollmentRefusedError,
  EnrollmentStateError,
  EnrollmentUnavailableError,
} from "./errors.js";
import { loadPendingEnrollment, pendingEnrollmentPath } from "./pending-enrollment.js";

const TOKEN = "kiosks.secret";
const STATUS_URL = "https://fleet.example/v1/enrollments/status";
const IDENTITY: IssuedIdentity = {
  userId: "u-1",
  keyId: "k-1",
  issuer: "https://idp.example",
  projectId: "p-1",
  natsServers: ["nats://nats.example:4222"],
};

type Phase = EnrollmentStatusResponse;

/** iot-identity's rules in miniature: one token, Devices by id, proofs checked against the enrolled key. */
class FakeServer implements EnrollmentApi {
  readonly statusUrl = STATUS_URL;
  readonly devices = new Map<string, { publicKey: string; answers: Phase[] }>();
  requests: EnrollmentRequest[] = [];
  statusChecks = 0;
  /** Failures to throw before answering, oldest first. */
  outages: Error[] = [];
  /** The token admits one device; later requests are refused before the device id is looked at. */
  singleUse = false;
  /** What each new device's status checks answer, in turn (the last one repeats). */
  script: Phase[] = [{ phase: "PendingApproval", message: "waiting for approval" }];

  request(body: EnrollmentRequest): Promise<RequestOutcome> {
    const outage = this.outages.shift();
    if (outage !== undefined) return Promise.reject(outage);
    this.requests.push(body);
    if (this.singleUse && this.devices.size > 0) {
      return Promise.reject(new EnrollmentRefusedError("the token is used up (1 of 1 use)"));
    }
    if (body.token !== TOKEN) {
      return Promise.reject(new EnrollmentRefusedError("the token is used up"));
    }
    if (this.devices.has(body.deviceId))
      return Promise.resolve({ kind: "exists", message: `device ${body.deviceId} exists` });
    this.devices.set(body.deviceId, { publicKey: body.publicKey, answers: [...this.script] });
    return Promise.resolve({
      kind: "accepted",
      response: { deviceId: body.deviceId, phase: "PendingApproval", message: "waiting" },
    });
  }

  async status(deviceId: string, proof: string): Promise<Phase> {
    this.statusChecks += 1;
    const outage = this.outages.shift();
    if (outage !== undefined) throw outage;
    const device = this.devices.get(deviceId);
    if (device === undefined) throw new EnrollmentRefusedError(`no device ${deviceId}`);
    await jwtVerify(proof, createPublicKey(device.publicKey), {
      issuer: deviceId,
      subject: deviceId,
      audience: STATUS_URL,
    }).catch(() => {
      throw new EnrollmentRefusedError("the proof is not signed by this device's key");
    });
    const answer = device.answers.length > 1 ? device.answers.shift() : device.answers[0];
    if (answer === undefined) throw new Error("no script");
    return answer;
  }
}

async function setUp(overrides: Partial<EnrollRequest> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "iot-enroll-flow-"));
  const request: EnrollRequest = {
    server: "https://fleet.example",
    deviceId: "pi-1",
    credentialsFile: join(dir, "device-credentials.json"),
    wait: true,
    pollMaxMs: 4000,
    ...overrides,
  };
  const lines: string[] = [];
  const pauses: number[] = [];
  const server = new FakeServer();
  let tokenReads = 0;
  const deps = (extra: Partial<EnrollDeps> = {}): EnrollDeps => ({
    api: server,
    token: () => {
      tokenReads += 1;
      return Promise.resolve(TOKEN);
    },
    inventory: () => Promise.resolve(undefined),
    print: (line) => lines.push(line),
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    ...extra,
  });
  return { dir, request, lines, pauses, server, deps, tokenReads: () => tokenReads };
}

const pending: Phase = { phase: "PendingApproval", message: "waiting for approval" };
const enrolled: Phase = { phase: "Enrolled", identity: IDENTITY };

describe("enroll - the flow", () => {
  it("enroll - request, wait with growing pauses, then write the credential file (0600) with the device's own key", async () => {
    const { request, lines, pauses, server, deps } = await setUp();
    server.script = [pending, pending, pending, pending, enrolled];
    const result = await enroll(request, deps());

    expect(result.kind).toBe("enrolled");
    expect(pauses).toEqual([1000, 2000, 4000, 4000]);
    const text = await readFile(request.credentialsFile, "utf8");
    expect((await stat(request.credentialsFile)).mode & 0o777).toBe(0o600);
    const credentials = parseDeviceCredentials(text);
    expect(credentials).toMatchObject({ ...IDENTITY, deviceId: "pi-1", type: "serviceaccount" });
    // The key in the file is the one whose public half was sent; nothing else was.
    expect(createPublicKey(credentials.key).export({ format: "pem", type: "spki" })).toBe(
      server.requests[0]?.publicKey,
    );
    expect(JSON.stringify(server.requests)).not.toContain("PRIVATE KEY");
    expect(
      await loadPendingEnrollment(pendingEnrollmentPath(request.credentialsFile)),
    ).toBeUndefined();
    expect(lines.join("\n")).toMatch(/enrollment requested: device pi-1 is PendingApproval/);
    expect(lines.join("\n")).toMatch(
      /pending approval: waiting for approval; next check in 1\.0 s/,
    );
    expect(lines.join("\n")).toMatch(/still pending approval/);
    expect(lines.at(-1)).toContain(`credential file written to ${request.credentialsFile}`);
  });

  it("enroll - --no-wait stops after the request; the next run resumes without a token and without asking again", async () => {
    const { request, server, deps, tokenReads } = await setUp({ wait: false });
    expect((await enroll(request, deps())).kind).toBe("requested");
    expect(server.statusChecks).toBe(0);
    expect(tokenReads()).toBe(1);

    server.script = [enrolled];
    server.devices.get("pi-1")?.answers.splice(0, Infinity, enrolled);
    const lines: string[] = [];
    const result = await enroll(
      { ...request, wait: true },
      deps({
        token: () => Promise.reject(new Error("no token needed when resuming")),
        print: (line) => lines.push(line),
      }),
    );
    expect(result.kind).toBe("enrolled");
    expect(server.requests).toHaveLength(1);
    expect(lines[0]).toContain("resuming the pending enrollment of pi-1");
  });

  it("enroll - a disabled device ends with a clear error, and its key stays for a later run", async () => {
    const { request, server, deps } = await setUp();
    server.script = [pending, { phase: "Disabled", message: "disabled by a deployer" }];
    const error = await enroll(request, deps()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnrollmentRefusedError);
    expect((error as Error).message).toContain("device pi-1 is disabled: disabled by a deployer");
    await expect(stat(request.credentialsFile)).rejects.toThrow(/ENOENT/);
    expect(
      await loadPendingEnrollment(pendingEnrollmentPath(request.credentialsFile)),
    ).toBeDefined();
  });

  it("enroll - a refused token ends at once with the server's reason", async () => {
    const { request, server, deps } = await setUp();
    const error = await enroll(
      request,
      deps({ token: () => Promise.resolve("kiosks.other") }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnrollmentRefusedError);
    expect((error as Error).message).toContain("the token is used up");
    expect(server.statusChecks).toBe(0);
  });

  it("enroll - a token that cannot be read stops everything before a key is generated", async () => {
    const { request, server, deps } = await setUp();
    await expect(
      enroll(request, deps({ token: () => Promise.reject(new Error("no token")) })),
    ).rejects.toThrow("no token");
    expect(server.requests).toHaveLength(0);
    expect(
      await loadPendingEnrollment(pendingEnrollmentPath(request.credentialsFile)),
    ).toBeUndefined();
  });

  it("enroll - an unreachable server is retried with backoff, each failure said", async () => {
    const { request, lines, pauses, server, deps } = await setUp();
    server.script = [enrolled];
    server.outages = [
      new EnrollmentUnavailableError("connection refused"),
      new EnrollmentUnavailableError("HTTP 503"),
    ];
    expect((await enroll(request, deps())).kind).toBe("enrolled");
    expect(pauses).toEqual([1000, 2000]);
    expect(
      lines.filter((line) => line.startsWith("cannot send the enrollment request")),
    ).toHaveLength(2);
    expect(lines.join("\n")).toContain("(connection refused); retrying in 1.0 s");
  });

  it("enroll - a device id another device holds is refused with what to do", async () => {
    const { request, server, deps } = await setUp();
    // Another device's key, so this device's proof fails.
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    server.devices.set("pi-1", {
      publicKey: publicKey.export({ format: "pem", type: "spki" }).toString(),
      answers: [pending],
    });
    const error = await enroll(request, deps()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnrollmentRefusedError);
    expect((error as Error).message).toContain("the device id pi-1 is taken by another device");
    expect((error as Error).message).toContain("enroll with another --device-id");
  });

  it("enroll - a request the server already took (a stop before it was recorded) is recognised by its key", async () => {
    const { request, server, deps } = await setUp({ wait: false });
    await enroll(request, deps());
    // As if the run had stopped before recording the request: the file says not requested yet.
    const path = pendingEnrollmentPath(request.credentialsFile);
    const file = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    delete file.requestedAt;
    await writeFile(path, JSON.stringify(file), { mode: 0o600 });
    server.devices.get("pi-1")?.answers.splice(0, Infinity, enrolled);

    const result = await enroll({ ...request, wait: true }, deps());
    expect(result.kind).toBe("enrolled");
  });

  it("enroll - the same, with a single-use token the server refuses the second time: the key is recognised all the same", async () => {
    const { request, server, deps } = await setUp({ wait: false });
    server.singleUse = true;
    await enroll(request, deps());
    const path = pendingEnrollmentPath(request.credentialsFile);
    const file = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    delete file.requestedAt;
    await writeFile(path, JSON.stringify(file), { mode: 0o600 });
    server.devices.get("pi-1")?.answers.splice(0, Infinity, enrolled);

    expect((await enroll({ ...request, wait: true }, deps())).kind).toBe("enrolled");
    // A fresh enroll whose token is used up is refused with the server's words.
    const other = await setUp({ deviceId: "pi-2" });
    other.server.singleUse = true;
    other.server.devices.set("pi-1", { publicKey: "taken", answers: [pending] });
    await expect(enroll(other.request, other.deps())).rejects.toThrow(/used up/);
  });

  it("enroll - a missing folder for the credential file is made, private", async () => {
    const { dir, server, deps, lines } = await setUp();
    const credentialsFile = join(dir, "etc", "iot-agent", "device-credentials.json");
    server.script = [enrolled];
    const result = await enroll(
      {
        server: "https://fleet.example",
        deviceId: "pi-1",
        credentialsFile,
        wait: true,
        pollMaxMs: 1000,
      },
      deps(),
    );
    expect(result.kind).toBe("enrolled");
    expect((await stat(join(dir, "etc"))).mode & 0o777).toBe(0o700);
    expect(lines[0]).toBe(`created ${join(dir, "etc")} (mode 0700) for the credential file`);
  });

  it("enroll - an existing credential file is never replaced: refused before any key or request", async () => {
    const { request, server, deps } = await setUp();
    await writeFile(request.credentialsFile, "{}", { mode: 0o600 });
    await expect(enroll(request, deps())).rejects.toBeInstanceOf(EnrollmentStateError);
    expect(server.requests).toHaveLength(0);
    expect(
      await loadPendingEnrollment(pendingEnrollmentPath(request.credentialsFile)),
    ).toBeUndefined();
    expect(await readFile(request.credentialsFile, "utf8")).toBe("{}");
  });

  it("enroll - a pending key of another device or server is not reused", async () => {
    const { request, deps } = await setUp({ wait: false });
    await enroll(request, deps());
    await expect(enroll({ ...request, deviceId: "pi-2" }, deps())).rejects.toThrow(
      /holds the pending enrollment of device pi-1 at https:\/\/fleet.example: run enroll with --device-id pi-1/,
    );
  });

  it("enroll - stopped while waiting: an interruption, the key kept", async () => {
    const { request, deps } = await setUp();
    const stop = new AbortController();
    const error = await enroll(
      request,
      deps({
        signal: stop.signal,
        sleep: () => {
          stop.abort();
          return Promise.reject(new Error("aborted"));
        },
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnrollmentInterruptedError);
    expect((error as Error).message).toContain("run the same command again to resume");
    expect(
      await loadPendingEnrollment(pendingEnrollmentPath(request.credentialsFile)),
    ).toBeDefined();
  });
});
