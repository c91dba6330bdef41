import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";
import { describe, expect, it } from "vitest";
import {
  buildDeploymentCrd,
  buildDeploymentCrdManifest,
  buildDeploymentOpenApiSchema,
} from "./crd.js";
import { IMAGE_REFERENCE_PATTERN } from "./image-reference.js";
import {
  ENV_MAX_PROPERTIES,
  ENV_VALUE_MAX_LENGTH,
  IMAGE_REFERENCE_MAX_LENGTH,
  MESSAGE_MAX_LENGTH,
  TARGET_DEVICES_MAX_ITEMS,
} from "./limits.js";
import { at, unbounded } from "./testing/schema-walk.js";
import { structuralViolations } from "./testing/structural-checker.js";

const schema = buildDeploymentOpenApiSchema();
const crd = buildDeploymentCrd();
const version = crd.spec.versions[0];

describe("crd", () => {
  it("buildDeploymentOpenApiSchema - is a structural schema", () => {
    expect(structuralViolations(schema)).toEqual([]);
  });

  it("buildDeploymentOpenApiSchema - has the Kubernetes top level with spec required", () => {
    expect(schema.required).toEqual(["spec"]);
    expect(at(schema, ["apiVersion"])).toEqual({ type: "string" });
    expect(at(schema, ["metadata"])).toEqual({ type: "object" });
    expect(at(schema, ["status"]).type).toBe("object");
  });

  it("buildDeploymentOpenApiSchema - carries the zod constraints", () => {
    // Exactly one of the two targetings: CEL on spec, since both are optional.
    expect(at(schema, ["spec"]).required).toEqual(["score"]);
    expect(JSON.stringify(at(schema, ["spec"])["x-kubernetes-validations"])).toContain(
      "has(self.targetDevices) != has(self.targetSelector)",
    );
    expect(at(schema, ["spec", "targetDevices"])).toMatchObject({
      minItems: 1,
      "x-kubernetes-list-type": "set",
    });
    const score = at(schema, ["spec", "score"]);
    expect(score).toMatchObject({ minProperties: 1, maxProperties: 1 });
    expect(score).not.toHaveProperty("additionalProperties");
    const services = at(schema, ["spec", "score", "PodmanV0", "services"]);
    expect(services).toMatchObject({
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    for (const field of ["hostPort", "containerPort"]) {
      expect(at(services, ["[]", "ports", "[]", field])).toEqual({
        type: "integer",
        minimum: 1,
        maximum: 65535,
      });
    }
    expect(at(services, ["[]", "env"])).toMatchObject({
      type: "object",
      maxProperties: ENV_MAX_PROPERTIES,
      additionalProperties: { type: "string", maxLength: ENV_VALUE_MAX_LENGTH },
    });
    expect(at(schema, ["status", "conditions"])).toMatchObject({
      "x-kubernetes-list-map-keys": ["type"],
    });
    expect(at(schema, ["status", "aggregate", "recentEvents"]).maxItems).toBe(20);
  });

  it("buildDeploymentOpenApiSchema - every string, list and map in spec and status is bounded", () => {
    expect([
      ...unbounded(at(schema, ["spec"]), "spec"),
      ...unbounded(at(schema, ["status"]), "status"),
    ]).toEqual([]);
  });

  it("buildDeploymentOpenApiSchema - the image carries the reference grammar and its length", () => {
    const image = at(schema, ["spec", "score", "PodmanV0", "services", "[]", "image"]);
    expect(image).toMatchObject({
      type: "string",
      minLength: 1,
      maxLength: IMAGE_REFERENCE_MAX_LENGTH,
      pattern: IMAGE_REFERENCE_PATTERN.source,
    });
    expect(at(schema, ["spec", "targetDevices"]).maxItems).toBe(TARGET_DEVICES_MAX_ITEMS);
    const env = at(schema, ["spec", "score", "PodmanV0", "services", "[]", "env"]);
    expect(JSON.stringify(env["x-kubernetes-validations"])).toContain("matches(");
  });

  it("buildDeploymentOpenApiSchema - status messages carry MESSAGE_MAX_LENGTH", () => {
    const aggregate = ["status", "aggregate"];
    expect(at(schema, [...aggregate, "lastError", "message"]).maxLength).toBe(MESSAGE_MAX_LENGTH);
    expect(at(schema, [...aggregate, "recentEvents", "[]", "message"]).maxLength).toBe(
      MESSAGE_MAX_LENGTH,
    );
  });

  it("buildDeploymentCrd - names, scope, version and status subresource", () => {
    expect(crd.metadata?.name).toBe("deployments.iot.nationtech.io");
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.names).toEqual({
      kind: "Deployment",
      listKind: "DeploymentList",
      plural: "deployments",
      singular: "deployment",
      shortNames: ["iotdeploy"],
      categories: ["iot"],
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({
      name: "v1alpha1",
      served: true,
      storage: true,
      subresources: { status: {} },
    });
  });

  it("buildDeploymentCrd - printer columns", () => {
    const columns = Object.fromEntries(
      (version?.additionalPrinterColumns ?? []).map((c) => [c.name, [c.type, c.jsonPath]]),
    );
    expect(columns).toEqual({
      Succeeded: ["integer", ".status.aggregate.succeeded"],
      Failed: ["integer", ".status.aggregate.failed"],
      Pending: ["integer", ".status.aggregate.pending"],
      Unreported: ["integer", ".status.aggregate.unreported"],
      Ready: ["string", '.status.conditions[?(@.type=="Ready")].status'],
      Age: ["date", ".metadata.creationTimestamp"],
    });
  });

  it("buildDeploymentCrd - client-node serializes it to exactly the wire manifest", () => {
    // Guards the model-name mapping: a key the client does not know would be silently dropped.
    const serialized: unknown = ObjectSerializer.serialize(crd, "V1CustomResourceDefinition", "");
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(buildDeploymentCrdManifest());
    expect(JSON.stringify(buildDeploymentCrdManifest())).toContain(
      '"x-kubernetes-list-type":"map"',
    );
  });
});
