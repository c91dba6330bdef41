// The only reader of process.env in the local platform: every setting is
// validated here, so a typo in a port fails with a message naming the variable.
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { z } from "zod";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const port = (fallback: number) => z.coerce.number().int().min(1024).max(65535).default(fallback);

/** How many nats-servers form the platform's JetStream cluster: 1 (no cluster), 3 or 5. */
export const natsClusterSizeSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(5)
  .refine(
    (n) => n % 2 === 1,
    "must be 1, 3 or 5: a JetStream cluster needs a majority of its nodes",
  );

const envSchema = z.object({
  FLEET_PLATFORM_DIR: z.string().min(1).default(resolve(repoRoot, ".local-platform")),
  /** Built server binaries; shared by several platform instances on one machine. */
  FLEET_PLATFORM_BIN_DIR: z
    .string()
    .min(1)
    .default(resolve(repoRoot, ".local-platform", "bin")),
  FLEET_ETCD_PORT: port(23790),
  FLEET_ETCD_PEER_PORT: port(23800),
  FLEET_KUBE_PORT: port(26443),
  FLEET_NATS_PORT: port(24222),
  FLEET_NATS_WS_PORT: port(24280),
  FLEET_NATS_MONITOR_PORT: port(28222),
  /**
   * nats-servers in one JetStream cluster (docs/nats.md). Unset: the size the last `up` of
   * this platform folder recorded, else 1.
   */
  FLEET_NATS_CLUSTER: natsClusterSizeSchema.optional(),
  /** Defaults to FLEET_KUBE_PORT + 2647 (29090), so instances with their own kube port never collide. */
  FLEET_IDP_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
  /** "1": `up` also starts Toxiproxy (the fault suite sets it). Unset: only if it runs already. */
  FLEET_TOXIPROXY: z
    .enum(["0", "1", "false", "true"], { error: 'must be "1" or "true" (or "0"/"false")' })
    .transform((value) => value === "1" || value === "true")
    .optional(),
  /** Toxiproxy's API; defaults to FLEET_KUBE_PORT + 2648 (29091), beside the IdP's. */
  FLEET_TOXIPROXY_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
  /** Where the dashboard will listen: the IdP only redirects to this origin. */
  FLEET_WEB_PORT: port(3000),
  PATH: z.string().default(""),
});

export type PlatformEnv = z.infer<typeof envSchema>;

/** Parses the environment, naming every bad variable in one message. */
export function readPlatformEnv(source: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid local-platform environment: ${problems.join("; ")}`);
  }
  return parsed.data;
}

export const REPO_ROOT = repoRoot;

/** The environment child processes inherit (a copy: callers add to it). */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
