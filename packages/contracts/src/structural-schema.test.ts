import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isJsonObject, type JsonObject } from "./json.js";
import { toStructuralSchema } from "./structural-schema.js";
import { structuralViolations } from "./testing/structural-checker.js";

function fromZod(schema: z.ZodType, params: Parameters<typeof z.toJSONSchema>[1] = {}): JsonObject {
  const json: unknown = JSON.parse(
    JSON.stringify(z.toJSONSchema(schema, { target: "openapi-3.0", io: "input", ...params })),
  );
  if (!isJsonObject(json)) throw new Error("not an object");
  return json;
}

describe("structural-schema", () => {
  it("toStructuralSchema - inlines $ref definitions and drops generator keys", () => {
    const item = z.object({ id: z.string() });
    const schema = fromZod(z.object({ a: item, b: z.array(item) }), { reused: "ref" });
    expect(JSON.stringify(schema)).toMatch(/\$ref/);
    const out = toStructuralSchema(schema);
    expect(JSON.stringify(out)).not.toMatch(/\$ref|\$defs|definitions|\$schema/);
    expect(out).toMatchObject({
      properties: { a: { type: "object" }, b: { items: { type: "object" } } },
    });
    expect(structuralViolations(out)).toEqual([]);
  });

  it("toStructuralSchema - drops additionalProperties false but keeps string maps", () => {
    const out = toStructuralSchema(
      fromZod(z.strictObject({ env: z.record(z.string(), z.string()) })),
    );
    expect(out).not.toHaveProperty("additionalProperties");
    expect(out.properties).toEqual({
      env: { type: "object", additionalProperties: { type: "string" } },
    });
  });

  it("toStructuralSchema - keeps x-kubernetes markers, defaults and bounds", () => {
    const list = z.array(z.object({ name: z.string(), n: z.int().min(1).default(1) })).meta({
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    });
    const out = toStructuralSchema(fromZod(z.object({ list })));
    expect(out.properties).toMatchObject({
      list: {
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name"],
        items: { properties: { n: { type: "integer", minimum: 1, default: 1 } } },
      },
    });
  });

  it("toStructuralSchema - turns open objects into preserve-unknown-fields", () => {
    const out = toStructuralSchema({
      type: "object",
      properties: { a: { type: "string" } },
      additionalProperties: {},
    });
    expect(out).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      "x-kubernetes-preserve-unknown-fields": true,
    });
  });

  it("toStructuralSchema - infers a missing type and rewrites const and numeric exclusive bounds", () => {
    expect(toStructuralSchema({ enum: ["a", "b"] })).toEqual({ enum: ["a", "b"], type: "string" });
    expect(toStructuralSchema({ const: 1 })).toEqual({ enum: [1], type: "integer" });
    expect(toStructuralSchema({ type: "number", exclusiveMinimum: 0 })).toEqual({
      type: "number",
      minimum: 0,
      exclusiveMinimum: true,
    });
  });

  it("toStructuralSchema - refuses what it cannot express structurally", () => {
    expect(() =>
      toStructuralSchema(fromZod(z.object({ u: z.union([z.string(), z.int()]) }))),
    ).toThrow(/u: anyOf/);
    expect(() => toStructuralSchema({ type: "object", properties: { a: {} } })).toThrow(
      /a: node has no type/,
    );
    expect(() => toStructuralSchema({ type: "string", propertyOrder: [] })).toThrow(
      /unsupported keyword/,
    );
    expect(() =>
      toStructuralSchema({
        type: "object",
        properties: {},
        additionalProperties: { type: "string" },
      }),
    ).toThrow(/properties and additionalProperties/);
  });

  it("toStructuralSchema - refuses recursive references", () => {
    const schema = {
      $ref: "#/$defs/Node",
      $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } },
    };
    expect(() => toStructuralSchema(schema)).toThrow(/recursive/);
  });
});
