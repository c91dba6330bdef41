// The local platform's own certificate authority. kube-apiserver accepts only an
// https OIDC issuer, so the local IdP needs a serving certificate from a CA the
// API server (and the dashboard) can be told to trust. The CA is generated once
// and kept in the platform folder (key 0600), so an exported OIDC_CA_FILE stays
// valid across `down` and `up`; the openssl CLI (installed by `npm run setup`)
// signs, node:crypto makes the keys so they are written 0600 from the start.
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { requireCommand } from "./commands.js";
import type { Layout } from "./layout.js";

export interface CaFiles {
  dir: string;
  /** The CA certificate (PEM): what clients trust. */
  cert: string;
  /** The CA's private key (PEM, mode 0600). */
  key: string;
}

export interface ServerCertificate {
  /** The serving certificate (PEM), signed by the platform CA. */
  cert: string;
  /** Its private key (PEM, mode 0600). */
  key: string;
}

/** A serving certificate is re-issued when it has less than this left. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const CA_DAYS = 3650;
const SERVER_DAYS = 365;

export function caFiles(layout: Layout): CaFiles {
  const dir = join(layout.root, "ca");
  return { dir, cert: join(dir, "ca.crt"), key: join(dir, "ca.key") };
}

async function writePrivateKey(file: string): Promise<void> {
  const { privateKey } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  await writeFile(file, privateKey, { mode: 0o600 });
}

/** An openssl config with exactly the extensions we ask for (no system openssl.cnf). */
function opensslConfig(subject: string, hosts: readonly string[]): string {
  const names = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`));
  return [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "[dn]",
    `CN = ${subject}`,
    "[ca]",
    "basicConstraints = critical, CA:TRUE, pathlen:0",
    "keyUsage = critical, keyCertSign, cRLSign",
    "subjectKeyIdentifier = hash",
    "[server]",
    "basicConstraints = critical, CA:FALSE",
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = serverAuth",
    ...(names.length > 0 ? [`subjectAltName = ${names.join(", ")}`] : []),
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid",
    "",
  ].join("\n");
}

/**
 * Certificates are valid from an hour ago, as public CAs issue them (Let's
 * Encrypt backdates by an hour): a device whose clock is a few minutes behind
 * still accepts a certificate issued a moment ago (the clock-skew fault scenario).
 */
const BACKDATE_MS = 3600_000;

/** openssl's GeneralizedTime, e.g. 20261130193000Z. */
function opensslTime(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

/**
 * Issues a certificate for `key` with the config's subject and `extensions`:
 * signed by `issuer`, or self-signed when none is given. `openssl ca` rather
 * than `req -x509`, since only it sets the start date (OpenSSL 3.0).
 */
async function issue(
  config: string,
  options: {
    key: string;
    out: string;
    days: number;
    extensions: string;
    issuer?: { cert: string; key: string };
  },
): Promise<void> {
  const bin = await requireCommand("openssl", "run `npm run setup` to install it");
  const dir = await mkdtemp(join(tmpdir(), "fleet-openssl-"));
  try {
    const file = join(dir, "openssl.cnf");
    const signing = [
      "[signing]",
      `database = ${join(dir, "index.txt")}`,
      `new_certs_dir = ${dir}`,
      "rand_serial = yes",
      "default_md = sha256",
      "policy = signing_policy",
      "unique_subject = no",
      "[signing_policy]",
      "commonName = supplied",
      "",
    ].join("\n");
    await writeFile(file, `${config}\n${signing}`);
    await writeFile(join(dir, "index.txt"), "");
    const csr = join(dir, "request.csr");
    await execa(bin, ["req", "-new", "-config", file, "-key", options.key, "-out", csr]);
    const signer =
      options.issuer === undefined
        ? ["-selfsign", "-keyfile", options.key]
        : ["-cert", options.issuer.cert, "-keyfile", options.issuer.key];
    await execa(bin, [
      ...["ca", "-batch", "-notext", "-config", file, "-name", "signing", "-in", csr],
      ...["-out", options.out, "-extensions", options.extensions, ...signer],
      ...["-startdate", opensslTime(Date.now() - BACKDATE_MS), "-days", String(options.days)],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Creates the CA if missing; returns its files either way. */
export async function ensurePlatformCa(layout: Layout): Promise<CaFiles> {
  const files = caFiles(layout);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  if (existsSync(files.cert) && existsSync(files.key)) return files;
  await writePrivateKey(files.key);
  await issue(opensslConfig("fleet local platform CA", []), {
    key: files.key,
    out: files.cert,
    days: CA_DAYS,
    extensions: "ca",
  });
  return files;
}

export async function readCaCertificate(layout: Layout): Promise<string> {
  return readFile(caFiles(layout).cert, "utf8");
}

async function stillGood(certFile: string, ca: X509Certificate): Promise<boolean> {
  if (!existsSync(certFile)) return false;
  const cert = new X509Certificate(await readFile(certFile));
  return (
    cert.checkIssued(ca) &&
    cert.verify(ca.publicKey) &&
    Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS
  );
}

/**
 * A serving certificate for `hosts` (IP addresses or DNS names) in `dir`, signed
 * by the platform CA; issued again when missing, near expiry or from another CA.
 */
export async function ensureServerCertificate(
  layout: Layout,
  options: { dir: string; subject: string; hosts: readonly string[] },
): Promise<ServerCertificate> {
  const ca = await ensurePlatformCa(layout);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const files = { cert: join(options.dir, "tls.crt"), key: join(options.dir, "tls.key") };
  const caCert = new X509Certificate(await readFile(ca.cert));
  if (existsSync(files.key) && (await stillGood(files.cert, caCert))) return files;
  await writePrivateKey(files.key);
  await issue(opensslConfig(options.subject, options.hosts), {
    key: files.key,
    out: files.cert,
    days: SERVER_DAYS,
    extensions: "server",
    issuer: ca,
  });
  return files;
}
