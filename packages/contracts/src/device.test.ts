import { describe, expect, it } from "vitest";
import {
  DEFAULT_DEVICE_GRANTS,
  DEVICE_CRD_NAME,
  DEVICE_PLURAL,
  deviceManifest,
  deviceResourceSchema,
  deviceSpecSchema,
} from "./device.js";
import { API_GROUP } from "./deployment.js";
import { isPayloadError, type PayloadError } from "./errors.js";
import { IDENTITY_ID_MAX_LENGTH } from "./limits.js";

function payloadError(fn: () => unknown): PayloadError {
  try {
    fn();
  } catch (error) {
    if (isPayloadError(error)) return error;
    throw error;
  }
  throw new Error("expected a PayloadError");
}

const identity = { userId: "312909075212468632", keyId: "312909075213517208" };

describe("device", () => {
  it("constants - CRD name is plural.group", () => {
    expect(DEVICE_CRD_NAME).toBe(`${DEVICE_PLURAL}.${API_GROUP}`);
  });

  it("deviceSpecSchema - an empty spec is an enabled device with the default grants", () => {
    expect(deviceSpecSchema.parse({})).toEqual({
      disabled: false,
      approved: false,
      grants: ["desired-state.read", "agent-status.write"],
    });
    expect(DEFAULT_DEVICE_GRANTS).toEqual(["desired-state.read", "agent-status.write"]);
  });

  it("deviceSpecSchema - keeps an explicit empty grant list (a device that may do nothing)", () => {
    expect(deviceSpecSchema.parse({ grants: [] }).grants).toEqual([]);
  });

  it("deviceSpecSchema - refuses an unknown grant, a duplicate grant and a non-boolean disabled", () => {
    expect(deviceSpecSchema.safeParse({ grants: ["desired-state.write"] }).success).toBe(false);
    expect(
      deviceSpecSchema.safeParse({ grants: ["desired-state.read", "desired-state.read"] }).success,
    ).toBe(false);
    expect(deviceSpecSchema.safeParse({ disabled: "yes" }).success).toBe(false);
  });

  it("deviceSpecSchema - identity ids are bounded, non-empty and free of spaces and slashes", () => {
    expect(deviceSpecSchema.safeParse({ identity }).success).toBe(true);
    for (const userId of ["", "a b", "a/b", "x".repeat(IDENTITY_ID_MAX_LENGTH + 1), "-a"]) {
      expect(
        deviceSpecSchema.safeParse({ identity: { ...identity, userId } }).success,
        userId,
      ).toBe(false);
    }
    expect(deviceSpecSchema.safeParse({ identity: { userId: "1" } }).success).toBe(false);
  });

  it("deviceManifest - builds a cluster-scoped Device with defaults applied", () => {
    const device = deviceManifest({ name: "pi-1", labels: { site: "oslo" }, spec: { identity } });
    expect(device).toEqual({
      apiVersion: "iot.nationtech.io/v1alpha1",
      kind: "Device",
      metadata: { name: "pi-1", labels: { site: "oslo" } },
      spec: {
        disabled: false,
        approved: false,
        identity,
        grants: ["desired-state.read", "agent-status.write"],
      },
    });
    expect(device.metadata).not.toHaveProperty("namespace");
  });

  it("deviceManifest - names the field of a bad name, label or grant", () => {
    expect(payloadError(() => deviceManifest({ name: "pi.1" })).message).toContain("metadata.name");
    expect(
      payloadError(() => deviceManifest({ name: "pi-1", labels: { "a b": "x" } })).message,
    ).toContain("metadata.labels");
    expect(
      payloadError(() => deviceManifest({ name: "pi-1", labels: { site: "-x" } })).message,
    ).toContain("label value");
    const bad = payloadError(() =>
      deviceManifest({ name: "pi-1", spec: { grants: ["root" as "desired-state.read"] } }),
    );
    expect(bad.issues.map((issue) => issue.path)).toEqual(["spec.grants[0]"]);
  });

  it("deviceResourceSchema - reads what the API server returns, keeping unknown metadata", () => {
    const read = deviceResourceSchema.parse({
      apiVersion: "iot.nationtech.io/v1alpha1",
      kind: "Device",
      metadata: {
        name: "pi-1",
        resourceVersion: "42",
        managedFields: [{ manager: "x" }],
        labels: { "example.com/site": "oslo", empty: "" },
      },
      spec: { disabled: true, grants: ["agent-status.write"] },
    });
    expect(read.spec).toEqual({ disabled: true, approved: false, grants: ["agent-status.write"] });
    expect(read.metadata).toHaveProperty("managedFields");
  });
});
