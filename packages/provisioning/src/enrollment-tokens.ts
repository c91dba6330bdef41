// Enrollment tokens (ADR 0008): what a deployer hands a new device so it can
// ask to join the fleet. Only the secret's hash is stored in the
// EnrollmentToken CR; the token text `<name>.<secret>` exists once, in what
// createEnrollmentToken returns. Every call acts as the caller (the
// EnrollmentTokenClient's kubeconfig or the signed-in user's token), so
// Kubernetes RBAC decides who may create, list and revoke tokens.
import { randomBytes } from "node:crypto";
import {
  enrollmentTokenManifest,
  enrollmentTokenNameSchema,
  enrollmentTokenResourceSchema,
  formatEnrollmentToken,
  formatIssues,
  isPayloadError,
  type EnrollmentTokenResource,
} from "@fleet/contracts";
import { isConflict, type EnrollmentTokenClient } from "@fleet/kube";
import { enrollCommand } from "./enroll-command.js";
import { hashEnrollmentSecret } from "./enrollment-secret.js";
import { ProvisioningError } from "./errors.js";

/** A token nobody gave a lifetime expires after a day: a forgotten token should not admit devices forever. */
export const DEFAULT_ENROLLMENT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** The longest lifetime a token may be given. */
export const MAX_ENROLLMENT_TOKEN_TTL_MS = 365 * 24 * 60 * 60 * 1000;

export interface CreateEnrollmentTokenInput {
  /** The token's name (a DNS-1123 label); default `enroll-<random>`. */
  name?: string;
  /** Labels every device enrolled with it gets. */
  labels?: Record<string, string>;
  /** When it stops working. At most one of expiresAt, ttlMs and noExpiry; default: a day from now. */
  expiresAt?: Date;
  /** How long from now it works. */
  ttlMs?: number;
  /** It never expires (still single-use unless maxUses says otherwise). */
  noExpiry?: boolean;
  /** How many devices may enroll with it (default 1). */
  maxUses?: number;
  /** Devices enrolled with it are approved at once. */
  autoApprove?: boolean;
  description?: string;
}

export interface CreatedEnrollmentToken {
  name: string;
  /** `<name>.<secret>`: shown once; only its hash is stored. */
  token: string;
  /** RFC 3339, or undefined when it never expires. */
  expiresAt: string | undefined;
  maxUses: number;
  autoApprove: boolean;
  labels: Record<string, string>;
}

/** What a token's state means for the next device that presents it. */
export type EnrollmentTokenState = "Active" | "Expired" | "UsedUp" | "Revoked";

/** A token as listed: everything but its secret (and the secret's hash). */
export interface EnrollmentTokenSummary {
  name: string;
  state: EnrollmentTokenState;
  uses: number;
  maxUses: number;
  expiresAt: string | undefined;
  autoApprove: boolean;
  revoked: boolean;
  labels: Record<string, string>;
  description: string | undefined;
  createdAt: string | undefined;
  lastUsedAt: string | undefined;
}

export interface Clock {
  now?: () => Date;
}

const invalid = (field: string, message: string): ProvisioningError =>
  new ProvisioningError("invalid", message, { field });

function validName(name: string): string {
  const parsed = enrollmentTokenNameSchema.safeParse(name);
  if (!parsed.success)
    throw new ProvisioningError(
      "invalid",
      `invalid token name "${name}": ${formatIssues(parsed.error).replace(/^\(root\): /, "")}`,
      { field: "name", cause: parsed.error },
    );
  return parsed.data;
}

/** The expiry asked for, checked: in the future and within a year. */
function expiryOf(input: CreateEnrollmentTokenInput, now: Date): string | undefined {
  const given = [input.expiresAt, input.ttlMs, input.noExpiry === true ? true : undefined].filter(
    (value) => value !== undefined,
  );
  if (given.length > 1)
    throw invalid("expiresAt", "give at most one of expiresAt, ttl and noExpiry");
  if (input.noExpiry === true) return undefined;
  let at: number;
  if (input.expiresAt !== undefined) {
    at = input.expiresAt.getTime();
    if (Number.isNaN(at)) throw invalid("expiresAt", "expiresAt is not a valid date");
    if (at <= now.getTime()) throw invalid("expiresAt", "expiresAt must be in the future");
  } else {
    const ttl = input.ttlMs ?? DEFAULT_ENROLLMENT_TOKEN_TTL_MS;
    if (!Number.isFinite(ttl) || ttl <= 0) throw invalid("ttl", "ttl must be a positive duration");
    at = now.getTime() + ttl;
  }
  if (at - now.getTime() > MAX_ENROLLMENT_TOKEN_TTL_MS)
    throw invalid("expiresAt", "a token may live at most 365 days");
  return new Date(at).toISOString();
}

/** The input field a contract issue of the manifest is about (`spec.maxUses` -> maxUses). */
function fieldOf(path: string): string {
  if (path.startsWith("metadata.name")) return "name";
  return /^spec\.(\w+)/.exec(path)?.[1] ?? "token";
}

function manifestOf(name: string, spec: Parameters<typeof enrollmentTokenManifest>[0]["spec"]) {
  try {
    return enrollmentTokenManifest({ name, spec });
  } catch (error) {
    if (!isPayloadError(error)) throw error;
    const first = error.issues[0];
    const field = first === undefined ? "token" : fieldOf(first.path);
    const detail = error.issues
      .map((issue) => `${issue.path.replace(/^spec\./, "")}: ${issue.message}`)
      .join("; ");
    throw new ProvisioningError("invalid", `invalid enrollment token: ${detail}`, {
      field,
      cause: error,
    });
  }
}

const generatedName = (): string => `enroll-${randomBytes(5).toString("hex")}`;

/**
 * Creates an EnrollmentToken and returns its text, once. A name already
 * taken is `exists`; bad input is `invalid` naming the field; nothing is
 * created then.
 */
export async function createEnrollmentToken(
  tokens: EnrollmentTokenClient,
  input: CreateEnrollmentTokenInput = {},
  clock: Clock = {},
): Promise<CreatedEnrollmentToken> {
  const now = (clock.now ?? (() => new Date()))();
  const name = validName(input.name ?? generatedName());
  const expiresAt = expiryOf(input, now);
  // 32 random bytes: guessing is hopeless, so a plain hash is enough to store.
  const secret = randomBytes(32).toString("base64url");
  const manifest = manifestOf(name, {
    secretHash: hashEnrollmentSecret(secret),
    ...(input.labels === undefined ? {} : { labels: input.labels }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(input.maxUses === undefined ? {} : { maxUses: input.maxUses }),
    autoApprove: input.autoApprove ?? false,
    ...(input.description === undefined ? {} : { description: input.description }),
  });
  try {
    await tokens.create(manifest);
  } catch (error) {
    if (!isConflict(error)) throw error;
    throw new ProvisioningError("exists", `enrollment token "${name}" already exists`, {
      field: "name",
      cause: error,
    });
  }
  return {
    name,
    token: formatEnrollmentToken(name, secret),
    expiresAt,
    maxUses: manifest.spec.maxUses,
    autoApprove: manifest.spec.autoApprove,
    labels: manifest.spec.labels ?? {},
  };
}

/** The exact `iot-agent enroll` command for a created token and this enrollment server. */
export function enrollCommandFor(
  created: Pick<CreatedEnrollmentToken, "token">,
  server: string,
  options: { serverCaFile?: string } = {},
): string {
  return enrollCommand({ token: created.token, server, serverCaFile: options.serverCaFile });
}

function stateOf(token: EnrollmentTokenResource, now: Date): EnrollmentTokenState {
  const uses = token.status?.uses ?? 0;
  if (token.spec.revoked) return "Revoked";
  if (token.spec.expiresAt !== undefined && Date.parse(token.spec.expiresAt) <= now.getTime())
    return "Expired";
  if (uses >= token.spec.maxUses) return "UsedUp";
  return "Active";
}

const timestampText = (value: string | Date | undefined): string | undefined =>
  value instanceof Date ? value.toISOString() : value;

export function summaryOf(token: EnrollmentTokenResource, now: Date): EnrollmentTokenSummary {
  return {
    name: token.metadata.name,
    state: stateOf(token, now),
    uses: token.status?.uses ?? 0,
    maxUses: token.spec.maxUses,
    expiresAt: token.spec.expiresAt,
    autoApprove: token.spec.autoApprove,
    revoked: token.spec.revoked,
    labels: token.spec.labels ?? {},
    description: token.spec.description,
    createdAt: timestampText(token.metadata.creationTimestamp),
    lastUsedAt: token.status?.lastUsedAt,
  };
}

/** Every EnrollmentToken the caller may list, sorted by name; a malformed one is left out. */
export async function listEnrollmentTokens(
  tokens: EnrollmentTokenClient,
  clock: Clock = {},
): Promise<EnrollmentTokenSummary[]> {
  const now = (clock.now ?? (() => new Date()))();
  const { items } = await tokens.list();
  return items
    .flatMap((item) => {
      const parsed = enrollmentTokenResourceSchema.safeParse(item);
      return parsed.success ? [summaryOf(parsed.data, now)] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Marks the token revoked: from then on it is refused. The CR stays, with its
 * record of uses; revoking twice is fine. An unknown name is `not-found`.
 */
export async function revokeEnrollmentToken(
  tokens: EnrollmentTokenClient,
  name: string,
): Promise<void> {
  validName(name);
  if ((await tokens.find(name)) === undefined)
    throw new ProvisioningError("not-found", `enrollment token "${name}" does not exist`, {
      field: "name",
    });
  await tokens.mergePatch(name, { spec: { revoked: true } });
}
