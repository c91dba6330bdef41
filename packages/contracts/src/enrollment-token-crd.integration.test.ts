import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_GROUP, API_VERSION } from "./deployment.js";
import {
  ENROLLMENT_TOKEN_API_GROUP_VERSION,
  ENROLLMENT_TOKEN_KIND,
  ENROLLMENT_TOKEN_PLURAL,
  enrollmentTokenManifest,
} from "./enrollment-token.js";
import { buildEnrollmentTokenCrd } from "./enrollment-token-crd.js";
import { applyEstablished, refusal } from "./testing/crd-server.js";

const runId = Date.now().toString(36);
const base = { group: API_GROUP, version: API_VERSION, plural: ENROLLMENT_TOKEN_PLURAL };
const secretHash = `sha256:${"a".repeat(64)}`;

function rawToken(name: string, spec: unknown): object {
  return {
    apiVersion: ENROLLMENT_TOKEN_API_GROUP_VERSION,
    kind: ENROLLMENT_TOKEN_KIND,
    metadata: { name },
    spec,
  };
}

describe("contracts - the generated EnrollmentToken CRD on a real kube-apiserver", () => {
  let kc: KubeConfig;
  let objects: CustomObjectsApi;
  const created: string[] = [];

  beforeAll(async () => {
    kc = await kubeConfigFor("admin");
    objects = kc.makeApiClient(CustomObjectsApi);
    await applyEstablished(kc, buildEnrollmentTokenCrd(), "contracts-it");
  });

  afterAll(async () => {
    for (const name of created) {
      await objects.deleteClusterCustomObject({ ...base, name }).catch(() => undefined);
    }
  });

  it("stores what enrollmentTokenManifest builds, with its defaults", async () => {
    const name = `kiosks-${runId}`;
    created.push(name);
    const manifest = enrollmentTokenManifest({
      name,
      spec: { secretHash, labels: { app: "kiosk" }, expiresAt: "2030-01-01T00:00:00Z" },
    });
    await objects.createClusterCustomObject({ ...base, body: manifest });
    const stored = (await objects.getClusterCustomObject({ ...base, name })) as { spec: unknown };
    expect(stored.spec).toEqual(manifest.spec);
  });

  it("refuses a plain secret instead of a hash, and a use count of zero, naming the fields", async () => {
    const { code, message } = await refusal(
      objects.createClusterCustomObject({
        ...base,
        body: rawToken(`plain-${runId}`, { secretHash: "hunter2", maxUses: 0 }),
      }),
    );
    expect(code).toBe(422);
    expect(message).toContain("spec.secretHash");
    expect(message).toContain("spec.maxUses");
  });
});
