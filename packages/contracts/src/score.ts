// The score: what to run on a device. An externally tagged union
// (`{ "PodmanV0": {...} }`) so a new kind is a new optional key, which older
// readers reject by name instead of misreading.
import { z } from "zod";
import { DNS1123_LABEL_MAX_LENGTH, DNS1123_LABEL_PATTERN } from "./kubernetes-names.js";

const PORT_RULE = "must be a port number from 1 to 65535";
const port = (): z.ZodInt => z.int(PORT_RULE).min(1, PORT_RULE).max(65535, PORT_RULE);

export const portMappingSchema = z.object({
  hostPort: port(),
  containerPort: port(),
  protocol: z.enum(["TCP", "UDP"]).default("TCP"),
});

export const podmanServiceSchema = z.object({
  // A DNS label because it becomes part of the container name on the device.
  name: z
    .string()
    .max(DNS1123_LABEL_MAX_LENGTH, "must be at most 63 characters")
    .regex(
      DNS1123_LABEL_PATTERN,
      "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
    ),
  image: z.string().min(1, "must name a container image"),
  ports: z.array(portMappingSchema).default([]),
  env: z.record(z.string(), z.string()).optional(),
  command: z.array(z.string()).optional(),
});

const servicesSchema = z
  .array(podmanServiceSchema)
  .min(1, "must list at least one service")
  .superRefine((services, ctx) => {
    const seen = new Set<string>();
    services.forEach((service, index) => {
      if (seen.has(service.name)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `duplicate service name "${service.name}"`,
        });
      }
      seen.add(service.name);
    });
  })
  // Lets the API server enforce unique names too, and merge lists by name.
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] });

export const podmanV0Schema = z.object({ services: servicesSchema }).superRefine((value, ctx) => {
  // Two services binding the same host port would only fail later, on the device.
  const owners = new Map<string, string>();
  value.services.forEach((service, s) => {
    service.ports.forEach((mapping, p) => {
      const id = `${mapping.hostPort}/${mapping.protocol}`;
      const owner = owners.get(id);
      if (owner !== undefined) {
        const message = `host port ${id} is already used by service "${owner}"`;
        ctx.addIssue({ code: "custom", path: ["services", s, "ports", p, "hostPort"], message });
      }
      owners.set(id, service.name);
    });
  });
});

/** Every score kind this build understands, in the order new kinds were added. */
export const SCORE_KINDS = ["PodmanV0"] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

const KINDS_HINT = `one of: ${SCORE_KINDS.join(", ")}`;

const scoreObjectSchema = z
  .strictObject(
    { PodmanV0: podmanV0Schema.optional() },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown score kind ${issue.keys.map((k) => `"${k}"`).join(", ")} (${KINDS_HINT})`
          : undefined,
    },
  )
  .superRefine(
    (value, ctx) => {
      const present = SCORE_KINDS.filter((kind) => value[kind] !== undefined);
      if (present.length !== 1) {
        ctx.addIssue({
          code: "custom",
          message: `must name exactly one score kind (${KINDS_HINT})`,
        });
      }
    },
    // An unknown kind is already reported; "exactly one" would only repeat it.
    { when: (payload) => payload.issues.length === 0 },
  )
  // The CRD form of "exactly one tag": properties per kind, min/max 1 property.
  .meta({ minProperties: 1, maxProperties: 1 });

export type PortMapping = z.output<typeof portMappingSchema>;
export type PodmanService = z.output<typeof podmanServiceSchema>;
export type PodmanV0 = z.output<typeof podmanV0Schema>;
/** Exactly one kind key. Grows into a union (`{ PodmanV0 } | { NextKind }`) as kinds are added. */
export type Score = { PodmanV0: PodmanV0 };
export type ScoreInput = z.input<typeof scoreObjectSchema>;

/**
 * The score schema. Its runtime output always has exactly one kind key (the
 * refinement above enforces it); the cast only tells TypeScript so, which
 * z.object's all-optional keys cannot express.
 */
export const scoreSchema = scoreObjectSchema as unknown as z.ZodType<Score, ScoreInput>;

/** Which kind a score is, for switching on without probing keys by hand. */
export function scoreKind(score: Score): ScoreKind {
  const kind = SCORE_KINDS.find((candidate) => candidate in score);
  if (kind === undefined) {
    throw new TypeError("score has no known kind; it was not produced by scoreSchema");
  }
  return kind;
}
