import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";
import { describe, expect, it } from "vitest";
import { buildDeviceCrd, buildDeviceCrdManifest, buildDeviceOpenApiSchema } from "./device-crd.js";
import { DNS1123_LABEL_PATTERN } from "./kubernetes-names.js";
import { IDENTITY_ID_MAX_LENGTH } from "./limits.js";
import { at, unbounded } from "./testing/schema-walk.js";
import { structuralViolations } from "./testing/structural-checker.js";

const schema = buildDeviceOpenApiSchema();
const crd = buildDeviceCrd();
const version = crd.spec.versions[0];

describe("device-crd", () => {
  it("buildDeviceOpenApiSchema - is a structural schema", () => {
    expect(structuralViolations(schema)).toEqual([]);
  });

  it("buildDeviceOpenApiSchema - every string and list in metadata and spec is bounded", () => {
    expect([
      ...unbounded(at(schema, ["metadata"]), "metadata"),
      ...unbounded(at(schema, ["spec"]), "spec"),
    ]).toEqual([]);
  });

  it("buildDeviceOpenApiSchema - restricts metadata.name to a device id", () => {
    expect(at(schema, ["metadata", "name"])).toEqual({
      type: "string",
      maxLength: 63,
      pattern: DNS1123_LABEL_PATTERN.source,
    });
  });

  it("buildDeviceOpenApiSchema - spec defaults, grant enum and bounds", () => {
    expect(at(schema, ["spec", "disabled"])).toEqual({ type: "boolean", default: false });
    expect(at(schema, ["spec", "grants"])).toMatchObject({
      type: "array",
      maxItems: 2,
      default: ["desired-state.read", "agent-status.write"],
      "x-kubernetes-list-type": "set",
    });
    expect(at(schema, ["spec", "grants", "[]"])).toEqual({
      type: "string",
      enum: ["desired-state.read", "agent-status.write"],
    });
    expect(at(schema, ["spec", "identity"]).required).toEqual(["userId", "keyId"]);
    for (const field of ["userId", "keyId"]) {
      expect(at(schema, ["spec", "identity", field])).toMatchObject({
        type: "string",
        minLength: 1,
        maxLength: IDENTITY_ID_MAX_LENGTH,
      });
    }
  });

  it("buildDeviceCrd - cluster-scoped names, one version, the status subresource", () => {
    expect(crd.metadata?.name).toBe("devices.iot.nationtech.io");
    expect(crd.spec.scope).toBe("Cluster");
    expect(crd.spec.names).toEqual({
      kind: "Device",
      listKind: "DeviceList",
      plural: "devices",
      singular: "device",
      shortNames: ["iotdev"],
      categories: ["iot"],
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: "v1alpha1", served: true, storage: true });
    // Deployers edit spec and labels; status is the platform's, written through /status.
    expect(version?.subresources).toEqual({ status: {} });
  });

  it("buildDeviceCrd - printer columns and the userId selectable field", () => {
    const columns = Object.fromEntries(
      (version?.additionalPrinterColumns ?? []).map((c) => [c.name, [c.type, c.jsonPath]]),
    );
    expect(columns).toEqual({
      Phase: ["string", ".status.phase"],
      Online: ["string", ".status.connectivity"],
      Version: ["string", ".status.agentVersion"],
      Disabled: ["boolean", ".spec.disabled"],
      UserId: ["string", ".spec.identity.userId"],
      Age: ["date", ".metadata.creationTimestamp"],
    });
    expect(version?.selectableFields).toEqual([{ jsonPath: ".spec.identity.userId" }]);
  });

  it("buildDeviceCrd - client-node serializes it to exactly the wire manifest", () => {
    const serialized: unknown = ObjectSerializer.serialize(crd, "V1CustomResourceDefinition", "");
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(buildDeviceCrdManifest());
    expect(JSON.stringify(buildDeviceCrdManifest())).toContain('"x-kubernetes-list-type":"set"');
  });
});
