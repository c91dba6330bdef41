import { AuthenticationV1Api, CoreV1Api, type ApiException } from "@kubernetes/client-node";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readPlatformEnv } from "./env.js";
import { layoutFor } from "./layout.js";
import { up } from "./platform.js";
import { silentProgress } from "./progress.js";
import { KUBERNETES_VERSION, kubeConfigFor, platformConnection } from "./testing/index.js";

describe("local platform - lifecycle and Kubernetes API", () => {
  it("up is idempotent: a second up starts nothing", async () => {
    const { started } = await up(layoutFor(readPlatformEnv()), silentProgress);
    expect(started).toEqual([]);
  });

  it("kubectl from the platform's bin folder reports the pinned server version and /readyz ok", async () => {
    const connection = await platformConnection();
    const env = {
      ...process.env,
      KUBECONFIG: connection.kubeconfig,
      PATH: `${connection.binDir}:${process.env.PATH ?? ""}`,
    };
    const readyz = await execa("kubectl", ["get", "--raw", "/readyz"], { env });
    expect(readyz.stdout.trim()).toBe("ok");
    const version = await execa("kubectl", ["version", "-o", "json"], { env });
    const parsed = JSON.parse(version.stdout) as {
      serverVersion: { gitVersion: string };
      clientVersion: { gitVersion: string };
    };
    expect(parsed.serverVersion.gitVersion).toBe(KUBERNETES_VERSION);
    expect(parsed.clientVersion.gitVersion).toBe(KUBERNETES_VERSION);
  });

  it("static tokens authenticate the test users with their groups", async () => {
    const api = (await kubeConfigFor("alice")).makeApiClient(AuthenticationV1Api);
    const review = await api.createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status?.userInfo?.username).toBe("alice");
    expect(review.status?.userInfo?.groups).toContain("fleet:deployers");
  });

  it("RBAC is enforced: a user without a binding is forbidden", async () => {
    const api = (await kubeConfigFor("bob")).makeApiClient(CoreV1Api);
    const error = await api
      .createNamespace({ body: { metadata: { name: "bob-should-not-create-this" } } })
      .catch((e: unknown) => e);
    expect((error as ApiException<unknown>).code).toBe(403);
  });
});
