import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from "@kubernetes/client-node";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_GROUP, API_VERSION } from "./deployment.js";
import { DEVICE_API_GROUP_VERSION, DEVICE_KIND, DEVICE_PLURAL, deviceManifest } from "./device.js";
import { buildDeviceCrd } from "./device-crd.js";
import { applyEstablished, refusal } from "./testing/crd-server.js";

const runId = Date.now().toString(36);
const base = { group: API_GROUP, version: API_VERSION, plural: DEVICE_PLURAL };

/** A Device object that skips zod, to see what the API server alone refuses. */
function rawDevice(name: string, spec: unknown): object {
  return { apiVersion: DEVICE_API_GROUP_VERSION, kind: DEVICE_KIND, metadata: { name }, spec };
}

/** The API server's answer to a create it must refuse. */
const rejection = (
  api: CustomObjectsApi,
  body: object,
): Promise<{ code: number; message: string }> =>
  refusal(api.createClusterCustomObject({ ...base, body }));

describe("contracts - the generated Device CRD on a real kube-apiserver", () => {
  let kc: KubeConfig;
  let objects: CustomObjectsApi;
  const created: string[] = [];

  beforeAll(async () => {
    kc = await kubeConfigFor("admin");
    objects = kc.makeApiClient(CustomObjectsApi);
    await applyEstablished(kc, buildDeviceCrd(), "contracts-it");
  });

  afterAll(async () => {
    for (const name of created) {
      await objects.deleteClusterCustomObject({ ...base, name }).catch(() => undefined);
    }
  });

  it("refuses a name that is not a device id (a dot), naming metadata.name", async () => {
    const { code, message } = await rejection(objects, rawDevice(`pi.${runId}`, {}));
    expect(code).toBe(422);
    expect(message).toContain("metadata.name");
    expect(message).toMatch(/should match|does not match/);
  });

  it("refuses an unknown grant, naming the field and the allowed values", async () => {
    const body = rawDevice(`bad-grant-${runId}`, { grants: ["desired-state.write"] });
    const { code, message } = await rejection(objects, body);
    expect(code).toBe(422);
    expect(message).toContain("spec.grants[0]");
    expect(message).toContain('"desired-state.read", "agent-status.write"');
  });

  it("refuses a duplicate grant", async () => {
    const grants = ["agent-status.write", "agent-status.write"];
    const { code, message } = await rejection(objects, rawDevice(`dup-${runId}`, { grants }));
    expect(code).toBe(422);
    expect(message).toContain("spec.grants[1]");
    expect(message).toContain("Duplicate value");
  });

  it("refuses wrong types, naming each field", async () => {
    const body = rawDevice(`types-${runId}`, { disabled: "no", identity: { userId: 7 } });
    const { code, message } = await rejection(objects, body);
    expect(code).toBe(422);
    expect(message).toContain("spec.disabled");
    expect(message).toContain("spec.identity.userId");
    expect(message).toContain("spec.identity.keyId: Required value");
  });

  it("refuses an identity id with a space", async () => {
    const identity = { userId: "a b", keyId: "k1" };
    const { code, message } = await rejection(objects, rawDevice(`space-${runId}`, { identity }));
    expect(code).toBe(422);
    expect(message).toContain("spec.identity.userId");
  });

  it("stores a valid Device with the defaults, and selects it by spec.identity.userId", async () => {
    const name = `valid-${runId}`;
    const userId = `user-${runId}`;
    created.push(name);
    await objects.createClusterCustomObject({
      ...base,
      body: rawDevice(name, { identity: { userId, keyId: "k1" } }),
    });
    const stored = (await objects.getClusterCustomObject({ ...base, name })) as {
      spec: unknown;
    };
    expect(stored.spec).toEqual({
      disabled: false,
      approved: false,
      identity: { userId, keyId: "k1" },
      grants: ["desired-state.read", "agent-status.write"],
    });
    // What deviceManifest builds is what the API server stores.
    expect(deviceManifest({ name, spec: { identity: { userId, keyId: "k1" } } }).spec).toEqual(
      stored.spec,
    );
    const selected = (await objects.listClusterCustomObject({
      ...base,
      fieldSelector: `spec.identity.userId=${userId}`,
    })) as { items: { metadata: { name: string } }[] };
    expect(selected.items.map((item) => item.metadata.name)).toEqual([name]);
  });

  it("keeps status to the /status subresource: a spec update cannot set it, a status patch can", async () => {
    const name = `status-${runId}`;
    created.push(name);
    const body = { ...rawDevice(name, {}), status: { phase: "Enrolled" } };
    await objects.createClusterCustomObject({ ...base, body });
    const afterCreate = (await objects.getClusterCustomObject({ ...base, name })) as {
      status?: unknown;
    };
    expect(afterCreate.status).toBeUndefined();
    await objects.patchClusterCustomObjectStatus(
      { ...base, name, body: { status: { connectivity: "Online", phase: "PendingApproval" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const patched = (await objects.getClusterCustomObject({ ...base, name })) as {
      status: { connectivity: string; phase: string };
    };
    expect(patched.status).toMatchObject({ connectivity: "Online", phase: "PendingApproval" });
    const refused = await refusal(
      objects.patchClusterCustomObjectStatus(
        { ...base, name, body: { status: { phase: "Sleeping" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(refused.code).toBe(422);
    expect(refused.message).toContain("status.phase");
  });

  it("refuses an enrollment public key that is not a PEM public key", async () => {
    const enrollment = {
      publicKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      token: "kiosks",
      requestedAt: "2026-11-30T12:00:00Z",
    };
    const { code, message } = await rejection(objects, rawDevice(`pem-${runId}`, { enrollment }));
    expect(code).toBe(422);
    expect(message).toContain("spec.enrollment.publicKey");
  });
});
