import { describe, expect, it } from "vitest";
import {
  API_GROUP,
  API_VERSION,
  CRD_NAME,
  deploymentManifest,
  deploymentResourceSchema,
  deploymentSpecSchema,
  PLURAL,
} from "./deployment.js";
import { formatIssues, isPayloadError, type PayloadError } from "./errors.js";
import { TARGET_DEVICES_MAX_ITEMS } from "./limits.js";

const score = { PodmanV0: { services: [{ name: "web", image: "nginx" }] } };

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("deployment", () => {
  it("constants - CRD name is plural.group", () => {
    expect(CRD_NAME).toBe(`${PLURAL}.${API_GROUP}`);
    expect(API_VERSION).toBe("v1alpha1");
  });

  it("deploymentSpecSchema - requires at least one target device", () => {
    expect(deploymentSpecSchema.safeParse({ targetDevices: [], score }).success).toBe(false);
  });

  it("deploymentSpecSchema - rejects duplicate and malformed device ids", () => {
    expect(deploymentSpecSchema.safeParse({ targetDevices: ["a", "a"], score }).success).toBe(
      false,
    );
    expect(deploymentSpecSchema.safeParse({ targetDevices: ["pi.1"], score }).success).toBe(false);
  });

  it("deploymentSpecSchema - takes up to TARGET_DEVICES_MAX_ITEMS devices, and names the field beyond", () => {
    const devices = (n: number): string[] => Array.from({ length: n }, (_, i) => `dev-${i}`);
    const atLimit = deploymentSpecSchema.safeParse({
      targetDevices: devices(TARGET_DEVICES_MAX_ITEMS),
      score,
    });
    expect(atLimit.success).toBe(true);
    const over = deploymentSpecSchema.safeParse({
      targetDevices: devices(TARGET_DEVICES_MAX_ITEMS + 1),
      score,
    });
    expect(over.success ? "" : formatIssues(over.error)).toBe(
      "targetDevices: must name at most 50000 devices",
    );
  });

  it("deploymentManifest - builds a typed CR with defaults applied", () => {
    const manifest = deploymentManifest({
      namespace: "shop",
      name: "web.v1",
      spec: { targetDevices: ["pi-1"], score },
    });
    expect(manifest.apiVersion).toBe("iot.nationtech.io/v1alpha1");
    expect(manifest.kind).toBe("Deployment");
    expect(manifest.metadata).toEqual({ name: "web.v1", namespace: "shop" });
    expect(manifest.spec.score.PodmanV0.services[0]?.ports).toEqual([]);
  });

  it("deploymentManifest - throws a PayloadError naming the bad field", () => {
    const error = catchError(() =>
      deploymentManifest({
        namespace: "Shop",
        name: "web",
        spec: { targetDevices: ["pi-1"], score },
      }),
    );
    expect(isPayloadError(error)).toBe(true);
    expect((error as PayloadError).issues.map((issue) => issue.path)).toEqual([
      "metadata.namespace",
    ]);
  });

  it("deploymentResourceSchema - parses an API object and keeps unknown metadata", () => {
    const parsed = deploymentResourceSchema.parse({
      apiVersion: "iot.nationtech.io/v1alpha1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "shop",
        uid: "u-1",
        generation: 3,
        creationTimestamp: new Date("2024-05-01T00:00:00Z"),
        deletionTimestamp: "2024-05-02T00:00:00Z",
        finalizers: ["iot.nationtech.io/desired-state"],
        managedFields: [{ manager: "kubectl" }],
      },
      spec: { targetDevices: ["pi-1"], score },
      status: { observedGeneration: 3 },
    });
    expect(parsed.metadata.managedFields).toEqual([{ manager: "kubectl" }]);
    expect(parsed.status?.conditions).toEqual([]);
  });
});
