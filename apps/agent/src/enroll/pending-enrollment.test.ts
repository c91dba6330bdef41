import { createPublicKey } from "node:crypto";
import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnrollmentStateError } from "./errors.js";
import {
  createPendingEnrollment,
  loadPendingEnrollment,
  markRequested,
  pendingEnrollmentPath,
  removePendingEnrollment,
} from "./pending-enrollment.js";

const request = { deviceId: "pi-1", server: "https://fleet.example:8443" };

async function freshPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "iot-enroll-pending-"));
  return pendingEnrollmentPath(join(dir, "device-credentials.json"));
}

describe("enroll - the pending key", () => {
  it("enroll - sits beside the credential file, mode 0600, an RSA-2048 key whose public half is sent", async () => {
    const path = await freshPath();
    expect(path.endsWith("/device-credentials.json.pending")).toBe(true);
    const pending = await createPendingEnrollment(path, request);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(pending.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(pending.publicKeyPem).toContain("-----BEGIN PUBLIC KEY-----");
    expect(createPublicKey(pending.privateKey).export({ format: "pem", type: "spki" })).toBe(
      pending.publicKeyPem,
    );
    // The public key file is what leaves the device: no private material in it.
    expect(pending.publicKeyPem).not.toContain("PRIVATE");
  });

  it("enroll - a stopped enroll finds the same key again, and whether the request was sent", async () => {
    const path = await freshPath();
    expect(await loadPendingEnrollment(path)).toBeUndefined();
    const created = await createPendingEnrollment(path, request);
    const loaded = await loadPendingEnrollment(path);
    expect(loaded?.publicKeyPem).toBe(created.publicKeyPem);
    expect(loaded?.requestedAt).toBeUndefined();
    await markRequested(created, "2026-11-30T10:00:00.000Z");
    expect((await loadPendingEnrollment(path))?.requestedAt).toBe("2026-11-30T10:00:00.000Z");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await removePendingEnrollment(created);
    expect(await loadPendingEnrollment(path)).toBeUndefined();
  });

  it("enroll - a second key is never written over a pending one", async () => {
    const path = await freshPath();
    const first = await createPendingEnrollment(path, request);
    await expect(createPendingEnrollment(path, request)).rejects.toBeInstanceOf(
      EnrollmentStateError,
    );
    expect((await loadPendingEnrollment(path))?.publicKeyPem).toBe(first.publicKeyPem);
  });

  it("enroll - a pending file others may read, or a damaged one, is refused with how to start over", async () => {
    const path = await freshPath();
    await createPendingEnrollment(path, request);
    await chmod(path, 0o644);
    await expect(loadPendingEnrollment(path)).rejects.toThrow(
      new RegExp(`mode 0644.*remove ${path} to start a new enrollment`),
    );
    await chmod(path, 0o600);
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace("pi-1", "Pi_1"));
    await expect(loadPendingEnrollment(path)).rejects.toThrow(/is not valid \(deviceId\)/);
    await writeFile(path, "{");
    await expect(loadPendingEnrollment(path)).rejects.toThrow(/not readable JSON/);
  });
});
