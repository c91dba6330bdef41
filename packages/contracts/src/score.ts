// The score: what to run on a device. An externally tagged union
// (`{ "PodmanV0": {...} }`) so a new kind is a new optional key, which older
// readers reject by name instead of misreading.
import { z } from "zod";
import { canonicalJson } from "./canonical-json.js";
import { imageReferenceSchema } from "./image-reference.js";
import { DNS1123_LABEL_MAX_LENGTH, DNS1123_LABEL_PATTERN } from "./kubernetes-names.js";
import {
  COMMAND_ARG_MAX_LENGTH,
  COMMAND_MAX_ITEMS,
  ENV_MAX_PROPERTIES,
  ENV_NAME_MAX_LENGTH,
  ENV_VALUE_MAX_LENGTH,
  PORTS_MAX_ITEMS,
  SCORE_MAX_BYTES,
  SERVICES_MAX_ITEMS,
} from "./limits.js";

const PORT_RULE = "must be a port number from 1 to 65535";
const port = (): z.ZodInt => z.int(PORT_RULE).min(1, PORT_RULE).max(65535, PORT_RULE);

export const portMappingSchema = z.object({
  hostPort: port(),
  containerPort: port(),
  protocol: z.enum(["TCP", "UDP"]).default("TCP"),
});

/** Kubernetes' rule for environment variable names (it also keeps '=' and whitespace out). */
export const ENV_NAME_PATTERN = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_RULE =
  "must consist of letters, digits, '_', '-' and '.', and must not start with a digit";

const envNameSchema = z
  .string()
  .max(ENV_NAME_MAX_LENGTH, {
    error: `must be an environment variable name of at most ${ENV_NAME_MAX_LENGTH} characters`,
    abort: true,
  })
  .regex(ENV_NAME_PATTERN, `must be an environment variable name: ${ENV_NAME_RULE}`);

const envValueSchema = z
  .string()
  .max(ENV_VALUE_MAX_LENGTH, `must be at most ${ENV_VALUE_MAX_LENGTH} characters`);

export const podmanServiceSchema = z.object({
  // A DNS label because it becomes part of the container name on the device.
  name: z
    .string()
    .max(DNS1123_LABEL_MAX_LENGTH, "must be at most 63 characters")
    .regex(
      DNS1123_LABEL_PATTERN,
      "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
    ),
  image: imageReferenceSchema,
  ports: z
    .array(portMappingSchema)
    .max(PORTS_MAX_ITEMS, `must list at most ${PORTS_MAX_ITEMS} port mappings`)
    .default([]),
  env: z
    .record(envNameSchema, envValueSchema)
    .refine((env) => Object.keys(env).length <= ENV_MAX_PROPERTIES, {
      error: `must set at most ${ENV_MAX_PROPERTIES} environment variables`,
    })
    // The CRD form of the refinement above, and of the name rule (which
    // OpenAPI cannot put on map keys; the API server checks it with CEL).
    .meta({
      maxProperties: ENV_MAX_PROPERTIES,
      "x-kubernetes-validations": [
        {
          rule: `self.all(name, name.matches('${ENV_NAME_PATTERN.source}'))`,
          message: `environment variable names ${ENV_NAME_RULE}`,
        },
      ],
    })
    .optional(),
  command: z
    .array(
      z
        .string()
        .max(COMMAND_ARG_MAX_LENGTH, `must be at most ${COMMAND_ARG_MAX_LENGTH} characters`),
    )
    .max(COMMAND_MAX_ITEMS, `must list at most ${COMMAND_MAX_ITEMS} items`)
    .optional(),
});

const servicesSchema = z
  .array(podmanServiceSchema)
  .min(1, "must list at least one service")
  .max(SERVICES_MAX_ITEMS, `must list at most ${SERVICES_MAX_ITEMS} services`)
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
  .superRefine(
    (value, ctx) => {
      // Every desired-state KV entry carries the score; NATS refuses payloads over 1 MiB.
      const bytes = utf8Length(canonicalJson(value));
      if (bytes > SCORE_MAX_BYTES) {
        ctx.addIssue({
          code: "custom",
          message: `is ${bytes} bytes as JSON; a score may be at most ${SCORE_MAX_BYTES} bytes`,
        });
      }
    },
    { when: (payload) => payload.issues.length === 0 },
  )
  // The CRD form of "exactly one tag": properties per kind, min/max 1 property.
  .meta({ minProperties: 1, maxProperties: 1 });

const utf8 = new TextEncoder();
function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

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

/**
 * The host ports a score binds on its device, as `<port>/<protocol>` (`8080/TCP`):
 * two deployments sharing one on a device would fail there with "address
 * already in use", so the operator checks before anything is written.
 */
export function hostPortsOf(score: Score): string[] {
  // One kind today; a new kind adds its own ports here.
  return score.PodmanV0.services.flatMap((service) =>
    service.ports.map((mapping) => `${mapping.hostPort}/${mapping.protocol}`),
  );
}
