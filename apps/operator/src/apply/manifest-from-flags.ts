// Turns the applier's flags into a typed Deployment CR. Validation is the
// contracts' zod schema, so a bad flag is reported with the field it feeds.
import {
  deploymentManifest,
  isPayloadError,
  namespaceNameSchema,
  resourceNameSchema,
  type DeploymentResource,
  type PortMapping,
} from "@fleet/contracts";
import { ConfigError } from "../errors.js";

export interface ApplyFlags {
  name?: string;
  namespace?: string;
  targetDevice?: string[];
  image?: string;
  port?: string[];
  serviceName?: string;
}

const PORT_FLAG = /^(\d+):(\d+)(?:\/(tcp|udp))?$/i;

/** `8080:80` or `8080:80/udp` → a port mapping (host:container). */
export function parsePortFlag(value: string): PortMapping {
  const match = PORT_FLAG.exec(value.trim());
  if (!match) {
    throw new ConfigError(
      `--port ${JSON.stringify(value)}: expected HOST:CONTAINER[/tcp|/udp], e.g. 8080:80`,
    );
  }
  const [, host = "", container = "", protocol = "tcp"] = match;
  return {
    hostPort: Number(host),
    containerPort: Number(container),
    protocol: protocol.toUpperCase() === "UDP" ? "UDP" : "TCP",
  };
}

function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new ConfigError(`--${flag} is required`);
  return value;
}

/** The CR's identity alone, for --delete. */
export function identityFromFlags(flags: ApplyFlags): { name: string; namespace: string } {
  const name = resourceNameSchema.safeParse(requireFlag(flags.name, "name"));
  if (!name.success) throw new ConfigError(`--name: ${name.error.issues[0]?.message ?? "invalid"}`);
  const namespace = namespaceNameSchema.safeParse(flags.namespace ?? "default");
  if (!namespace.success) {
    throw new ConfigError(`--namespace: ${namespace.error.issues[0]?.message ?? "invalid"}`);
  }
  return { name: name.data, namespace: namespace.data };
}

/** Maps the zod field path back to the flag that fed it. */
function flagFor(message: string): string {
  if (message.includes("targetDevices")) return "--target-device";
  if (message.includes("ports")) return "--port";
  if (message.includes("image")) return "--image";
  if (message.includes(".name")) return "--service-name";
  return "flags";
}

export function manifestFromFlags(flags: ApplyFlags): DeploymentResource {
  const { name, namespace } = identityFromFlags(flags);
  const image = requireFlag(flags.image, "image");
  const ports = (flags.port ?? []).map(parsePortFlag);
  const service = { name: flags.serviceName ?? "main", image, ports };
  try {
    return deploymentManifest({
      namespace,
      name,
      spec: {
        targetDevices: flags.targetDevice ?? [],
        score: { PodmanV0: { services: [service] } },
      },
    });
  } catch (error) {
    if (isPayloadError(error))
      throw new ConfigError(`${flagFor(error.message)}: ${error.message}`, { cause: error });
    throw error;
  }
}
