// "Add device" against the real API server, as the IdP's users with their own
// ID tokens: alice (deployer) creates an enrollment token and gets its text
// once, inside the exact `iot-agent enroll` command; the EnrollmentToken CR
// holds only the secret's hash. bob (viewer) may list tokens (no secret in
// them) but not create or revoke one.
import { randomBytes } from "node:crypto";
import { enrollmentTokenResourceSchema, parseEnrollmentToken } from "@fleet/contracts";
import { EnrollmentTokenClient } from "@fleet/kube";
import { installEnrollmentTokenCrd } from "@fleet/kube/testing";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { enrollmentSecretMatches } from "@fleet/provisioning";
import { type TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { SignedInUser } from "../../auth/signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "../../auth/testing";
import { devicePageServices } from "../../devices/testing";
import { applyDashboardRbac } from "../../kube/apply";
import type { Services } from "../../services";
import { createCaller } from "../root";
import { rejection } from "../testing";

const enrollment = {
  serverUrl: "https://enroll.fleet.test:8443",
  serverCaFile: "/etc/fleet/enrollment-ca.pem",
};
const suffix = randomBytes(3).toString("hex");

let tokens: EnrollmentTokenClient;
let alice: SignedInUser;
let bob: SignedInUser;
let services: Services;
const created: string[] = [];

async function tokenCr(name: string) {
  const found = await tokens.find(name);
  return found === undefined ? undefined : enrollmentTokenResourceSchema.parse(found);
}

const tokenCount = async (): Promise<number> => (await tokens.list()).items.length;

function issuePaths(error: TRPCError): PropertyKey[][] {
  if (!(error.cause instanceof ZodError)) throw new Error(`not a ZodError: ${String(error.cause)}`);
  return error.cause.issues.map((issue) => issue.path);
}

beforeAll(async () => {
  const admin = await kubeConfigFor("admin");
  await installEnrollmentTokenCrd(admin);
  await applyDashboardRbac(admin);
  tokens = EnrollmentTokenClient.forKubeConfig(admin);
  alice = (await signInAtIdp("alice")).user;
  bob = (await signInAtIdp("bob")).user;
  services = devicePageServices(await dashboardKubeConfig(), { enrollment });
});

afterAll(async () => {
  for (const name of created) await tokens.delete(name).catch(() => undefined);
});

describe("enrollmentTokens router - Add device", () => {
  let name: string;

  it("lets a deployer create a token: its text once, in the exact enroll command; the CR keeps only a hash", async () => {
    const before = Date.now();
    const result = await createCaller({ user: alice, services }).enrollmentTokens.create({
      labels: { site: `berlin-${suffix}` },
      expiresInHours: 2,
      maxUses: 3,
      description: "batch 7",
    });
    name = result.name;
    created.push(name);
    const { secret } = parseEnrollmentToken(result.token);
    expect(parseEnrollmentToken(result.token).name).toBe(name);
    expect(result.command).toBe(
      `IOT_ENROLL_TOKEN=${result.token} iot-agent enroll --server https://enroll.fleet.test:8443 --server-ca /etc/fleet/enrollment-ca.pem`,
    );
    const cr = await tokenCr(name);
    expect(cr?.spec).toMatchObject({
      labels: { site: `berlin-${suffix}` },
      maxUses: 3,
      autoApprove: false,
      revoked: false,
      description: "batch 7",
    });
    expect(enrollmentSecretMatches(secret, cr?.spec.secretHash ?? "")).toBe(true);
    expect(JSON.stringify(await tokens.get(name))).not.toContain(secret);
    const expires = Date.parse(cr?.spec.expiresAt ?? "");
    expect(expires).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 2 * 3600_000 + 1000);
  });

  it("without an expiry the token never expires; auto-approve is kept", async () => {
    const result = await createCaller({ user: alice, services }).enrollmentTokens.create({
      maxUses: 1,
      autoApprove: true,
    });
    created.push(result.name);
    const cr = await tokenCr(result.name);
    expect(cr?.spec.expiresAt).toBeUndefined();
    expect(cr?.spec.autoApprove).toBe(true);
    expect(result.expiresAt).toBeUndefined();
  });

  it("refuses a viewer's create (FORBIDDEN); no token is made", async () => {
    const count = await tokenCount();
    const error = await rejection(
      createCaller({ user: bob, services }).enrollmentTokens.create({ maxUses: 1 }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("You may not create enrollment tokens (Kubernetes RBAC)");
    expect(await tokenCount()).toBe(count);
  });

  it("lets a viewer list tokens, without their secrets or hashes", async () => {
    const listed = await createCaller({ user: bob, services }).enrollmentTokens.list();
    const mine = listed.find((token) => token.name === name);
    expect(mine).toMatchObject({ name, state: "Active", uses: 0, maxUses: 3 });
    expect(JSON.stringify(listed)).not.toContain("sha256:");
  });

  it("lets a deployer revoke a token, not a viewer", async () => {
    const viewerError = await rejection(
      createCaller({ user: bob, services }).enrollmentTokens.revoke({ name }),
    );
    expect(viewerError.code).toBe("FORBIDDEN");
    expect((await tokenCr(name))?.spec.revoked).toBe(false);
    await createCaller({ user: alice, services }).enrollmentTokens.revoke({ name });
    expect((await tokenCr(name))?.spec.revoked).toBe(true);
  });

  it("rejects bad input with BAD_REQUEST naming the field; nothing is created", async () => {
    const count = await tokenCount();
    const deployer = createCaller({ user: alice, services });
    for (const [input, path] of [
      [{ maxUses: 0 }, ["maxUses"]],
      [{ maxUses: 1, expiresInHours: 0 }, ["expiresInHours"]],
      [{ maxUses: 1, labels: { site: "no spaces" } }, ["labels", "site"]],
      [{ maxUses: 1, description: "x".repeat(1025) }, ["description"]],
    ] as const) {
      const error = await rejection(deployer.enrollmentTokens.create(input));
      expect(error.code).toBe("BAD_REQUEST");
      expect(issuePaths(error)).toEqual([path]);
    }
    expect(await tokenCount()).toBe(count);
  });

  it("says when this dashboard does not know where devices enroll (ENROLLMENT_URL)", async () => {
    const unconfigured = devicePageServices(await dashboardKubeConfig());
    const error = await rejection(
      createCaller({ user: alice, services: unconfigured }).enrollmentTokens.create({ maxUses: 1 }),
    );
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toBe("Enrollment is not configured on this dashboard (ENROLLMENT_URL)");
  });
});
