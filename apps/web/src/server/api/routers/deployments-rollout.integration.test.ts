// The rollout commands (approveBatch, pauseRollout, rollback) against the real
// local API server, as the local IdP's users with their own ID tokens: each
// patches the CR as the signed-in user (RBAC decides), and each is refused with
// a reason when it no longer fits the rollout. No operator runs here: the
// admin writes status.rollout through the status subresource, as the operator would.
import { randomBytes } from "node:crypto";
import {
  ROLLOUT_APPROVE_ANNOTATION,
  ROLLOUT_ROLLBACK_ANNOTATION,
  rolloutStatusSchema,
  type BatchState,
  type DeploymentSpecInput,
  type RolloutPhase,
} from "@fleet/contracts";
import { DeploymentClient } from "@fleet/kube";
import { installCrd } from "@fleet/operator";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedInUser } from "../../auth/signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "../../auth/testing";
import { applyDashboardRbac } from "../../kube/apply";
import { deploymentsApi } from "../../kube/deployments-api";
import { userConfiguration } from "../../kube/user-configuration";
import type { Services } from "../../services";
import { createCaller } from "../root";
import { rejection } from "../testing";

const suffix = randomBytes(3).toString("hex");
const namespace = "default";
const name = `web-rollout-${suffix}`;
const plain = `web-plain-${suffix}`;

const score = {
  PodmanV0: { services: [{ name: "web", image: "localhost/fleet-nginx:1.1", ports: [] }] },
};
const withRollout: DeploymentSpecInput = {
  targetDevices: ["pi-1", "pi-2", "pi-3"],
  score,
  rollout: { batches: [{ count: 1 }], approval: "manual" },
};

let alice: SignedInUser;
let bob: SignedInUser;
let services: Services;
let admin: DeploymentClient;

/** Writes status.rollout as the operator would (revision 2 over stable 1, two batches). */
async function reportRollout(phase: RolloutPhase, states: BatchState[]): Promise<void> {
  const rollout = rolloutStatusSchema.parse({
    revision: 2,
    stableRevision: 1,
    phase,
    currentBatch: 1,
    totalBatches: states.length,
    batches: states.map((state) => ({ state, devices: 1, updated: state === "Succeeded" ? 1 : 0 })),
    message: `batch 1 of ${states.length}`,
  });
  await admin.patchStatus(namespace, name, { rollout });
}

const annotations = async (): Promise<Record<string, string> | undefined> =>
  (await admin.get(namespace, name)).metadata?.annotations;

/** The deployments router as this user signed in to the dashboard. */
const deploymentsAs = (user: SignedInUser) => createCaller({ user, services }).deployments;

/** Approves a batch of the rollout as this user: batch 2 of revision 2 unless told. */
const approve = (user: SignedInUser, revision = 2, batch = 2) =>
  deploymentsAs(user).approveBatch({ namespace, name, revision, batch });

beforeAll(async () => {
  const kc = await kubeConfigFor("admin");
  await installCrd(kc, pino({ level: "silent" }), 30_000);
  await applyDashboardRbac(kc);
  admin = DeploymentClient.forKubeConfig(kc);
  alice = (await signInAtIdp("alice")).user;
  bob = (await signInAtIdp("bob")).user;
  const dashboard = await dashboardKubeConfig();
  // Only deployments are used by these procedures.
  services = {
    deploymentsAs: (user) => deploymentsApi(userConfiguration(dashboard, user)),
  } as Partial<Services> as Services;
  const deployer = deploymentsAs(alice);
  await deployer.create({ namespace, name, spec: withRollout });
  await deployer.create({
    namespace,
    name: plain,
    spec: { targetDevices: ["pi-1"], score },
  });
});

afterAll(async () => {
  await admin.deleteIfPresent(namespace, name);
  await admin.deleteIfPresent(namespace, plain);
});

describe("web routers - rollout commands as the signed-in user", () => {
  it("refuses to approve before the operator reported a rollout", async () => {
    const error = await rejection(approve(alice));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toBe(
      `deployment "${name}" in namespace "default" has no rollout yet: the operator has not reported one`,
    );
  });

  it("forbids a viewer to approve, naming RBAC, and patches nothing", async () => {
    await reportRollout("WaitingForApproval", ["Succeeded", "Pending"]);
    const error = await rejection(approve(bob));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe(
      `You may not update deployment "${name}" in namespace "default" (Kubernetes RBAC)`,
    );
    expect((await annotations())?.[ROLLOUT_APPROVE_ANNOTATION]).toBeUndefined();
  });

  it("refuses a stale revision or another batch than the one waiting", async () => {
    const stale = await rejection(approve(alice, 1, 2));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toMatch(/moved on to revision 2 \(you acted on revision 1\)/);
    const other = await rejection(approve(alice, 2, 3));
    expect(other.code).toBe("CONFLICT");
    expect((await annotations())?.[ROLLOUT_APPROVE_ANNOTATION]).toBeUndefined();
  });

  it("lets a deployer approve the waiting batch: the annotation names revision and batch", async () => {
    const updated = await approve(alice);
    expect(updated.metadata.annotations?.[ROLLOUT_APPROVE_ANNOTATION]).toBe("2/2");
    expect((await annotations())?.[ROLLOUT_APPROVE_ANNOTATION]).toBe("2/2");
  });

  it("refuses to approve while a batch runs, saying where the rollout is", async () => {
    await reportRollout("Progressing", ["Succeeded", "InProgress"]);
    const error = await rejection(approve(alice));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toBe(
      "nothing to approve: the rollout of revision 2 is Progressing (batch 1 of 2: 1 of 1 updated)",
    );
  });

  it("pauses and resumes through spec.rollout.paused", async () => {
    const deployer = deploymentsAs(alice);
    await deployer.pauseRollout({ namespace, name, paused: true });
    expect((await admin.get(namespace, name)).spec).toMatchObject({ rollout: { paused: true } });
    await deployer.pauseRollout({ namespace, name, paused: false });
    expect((await admin.get(namespace, name)).spec).toMatchObject({ rollout: { paused: false } });
    const viewer = await rejection(
      deploymentsAs(bob).pauseRollout({
        namespace,
        name,
        paused: true,
      }),
    );
    expect(viewer.code).toBe("FORBIDDEN");
  });

  it("refuses to pause a deployment without rollout settings", async () => {
    const error = await rejection(
      deploymentsAs(alice).pauseRollout({
        namespace,
        name: plain,
        paused: true,
      }),
    );
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/has no rollout settings \(spec\.rollout\) to pause/);
    expect((await admin.get(namespace, plain)).spec).not.toHaveProperty("rollout");
  });

  it("rolls back the running revision, and refuses once it is over", async () => {
    const deployer = deploymentsAs(alice);
    await deployer.rollback({ namespace, name, revision: 2 });
    expect((await annotations())?.[ROLLOUT_ROLLBACK_ANNOTATION]).toBe("2");
    await reportRollout("RolledBack", ["Failed", "Pending"]);
    const error = await rejection(deployer.rollback({ namespace, name, revision: 2 }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toBe("nothing to roll back: the rollout of revision 2 is RolledBack");
  });
});
