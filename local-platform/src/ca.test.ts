import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caFiles, ensurePlatformCa, ensureServerCertificate } from "./ca.js";
import { readPlatformEnv } from "./env.js";
import { layoutFor, type Layout } from "./layout.js";

let root: string;
let layout: Layout;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "fleet-ca-test-"));
  layout = layoutFor(readPlatformEnv({ FLEET_PLATFORM_DIR: root }));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const certificate = async (file: string): Promise<X509Certificate> =>
  new X509Certificate(await readFile(file));

describe("platform CA", () => {
  it("creates a CA certificate and a private key only its owner can read", async () => {
    const files = await ensurePlatformCa(layout);
    expect(files).toEqual(caFiles(layout));
    expect((await stat(files.key)).mode & 0o777).toBe(0o600);
    const ca = await certificate(files.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain("fleet local platform CA");
  });

  it("keeps the same CA across calls (exported trust stays valid)", async () => {
    const first = await readFile((await ensurePlatformCa(layout)).cert, "utf8");
    const second = await readFile((await ensurePlatformCa(layout)).cert, "utf8");
    expect(second).toBe(first);
  });

  it("issues a serving certificate for loopback that the CA verifies, key 0600", async () => {
    const dir = join(root, "idp", "tls");
    const server = await ensureServerCertificate(layout, {
      dir,
      subject: "fleet-local-idp",
      hosts: ["127.0.0.1", "localhost"],
    });
    const ca = await certificate(caFiles(layout).cert);
    const cert = await certificate(server.cert);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkHost("example.com")).toBeUndefined();
    expect((await stat(server.key)).mode & 0o777).toBe(0o600);
  });

  it("re-issues a serving certificate that another CA signed", async () => {
    const dir = join(root, "idp", "tls");
    const options = { dir, subject: "fleet-local-idp", hosts: ["127.0.0.1"] };
    const before = await readFile((await ensureServerCertificate(layout, options)).cert, "utf8");
    expect(await readFile((await ensureServerCertificate(layout, options)).cert, "utf8")).toBe(
      before,
    );
    await rm(caFiles(layout).dir, { recursive: true });
    const after = await ensureServerCertificate(layout, options);
    const cert = await certificate(after.cert);
    expect(await readFile(after.cert, "utf8")).not.toBe(before);
    expect(cert.verify((await certificate(caFiles(layout).cert)).publicKey)).toBe(true);
  });

  it("dates the CA and serving certificates an hour back, so a device a few minutes behind accepts them", async () => {
    const ca = await certificate((await ensurePlatformCa(layout)).cert);
    const server = await certificate(
      (
        await ensureServerCertificate(layout, {
          dir: join(root, "srv"),
          subject: "s",
          hosts: ["127.0.0.1"],
        })
      ).cert,
    );
    for (const cert of [ca, server]) {
      const ageMs = Date.now() - Date.parse(cert.validFrom);
      expect(ageMs).toBeGreaterThan(55 * 60_000);
      expect(ageMs).toBeLessThan(65 * 60_000);
    }
    expect(server.checkIssued(ca)).toBe(true);
  });
});
