// Turns the applier's flags into a typed Deployment CR. Validation is the
// contracts' zod schema, so a bad flag is reported with the field it feeds.
// The devices are either listed (--target-device, repeatable) or selected by
// label (--selector, kubectl syntax): exactly one of the two. Rollout flags
// (rollout-flags.ts) add spec.rollout.
import {
  deploymentManifest,
  isPayloadError,
  namespaceNameSchema,
  resourceNameSchema,
  type DeploymentResource,
  type LabelSelector,
  type PayloadIssue,
  type PortMapping,
} from "@fleet/contracts";
import { ConfigError, type ConfigProblem } from "@fleet/runtime";
import { selectorFromFlag } from "../device/selector-flag.js";
import { ROLLOUT_FLAG_OF_FIELD, rolloutFromFlags, type RolloutFlags } from "./rollout-flags.js";

export interface ApplyFlags extends RolloutFlags {
  name?: string;
  namespace?: string;
  targetDevice?: string[];
  /** kubectl's label selector syntax, e.g. `app=kiosk,region in (eu,us)`. */
  selector?: string;
  image?: string;
  port?: string[];
  serviceName?: string;
}

const PORT_FLAG = /^(\d+):(\d+)(?:\/(tcp|udp))?$/i;

/** `8080:80` or `8080:80/udp` → a port mapping (host:container). */
export function parsePortFlag(value: string): PortMapping {
  const match = PORT_FLAG.exec(value.trim());
  if (!match) {
    throw flagError("port", value, "expected HOST:CONTAINER[/tcp|/udp], e.g. 8080:80");
  }
  const [, host = "", container = "", protocol = "tcp"] = match;
  return {
    hostPort: Number(host),
    containerPort: Number(container),
    protocol: protocol.toUpperCase() === "UDP" ? "UDP" : "TCP",
  };
}

function flagError(flag: string, value: unknown, reason: string): ConfigError {
  return new ConfigError([{ setting: flag, source: { kind: "flag", flag }, value, reason }]);
}

function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") {
    throw new ConfigError([{ setting: flag, source: undefined, reason: `--${flag} is required` }]);
  }
  return value;
}

/** The CR's identity alone, for --delete. */
export function identityFromFlags(flags: ApplyFlags): { name: string; namespace: string } {
  const name = resourceNameSchema.safeParse(requireFlag(flags.name, "name"));
  if (!name.success) {
    throw flagError("name", flags.name, name.error.issues[0]?.message ?? "invalid");
  }
  const namespace = namespaceNameSchema.safeParse(flags.namespace ?? "default");
  if (!namespace.success) {
    throw flagError("namespace", flags.namespace, namespace.error.issues[0]?.message ?? "invalid");
  }
  return { name: name.data, namespace: namespace.data };
}

/** The one service built here sits at index 0. */
const SERVICE = "spec.score.PodmanV0.services[0]";

/** Each field of the CR built here, and the flag that fills it. */
const FLAG_OF_FIELD: readonly (readonly [field: string, flag: string])[] = [
  ["spec.targetDevices", "target-device"],
  ["spec.targetSelector", "selector"],
  [`${SERVICE}.ports`, "port"],
  [`${SERVICE}.image`, "image"],
  [`${SERVICE}.name`, "service-name"],
  ...ROLLOUT_FLAG_OF_FIELD,
];

/** A contract issue as a problem of the flag that filled its field (by the issue's path). */
function problemOf(issue: PayloadIssue): ConfigProblem {
  const within = (field: string): boolean =>
    issue.path === field ||
    issue.path.startsWith(`${field}.`) ||
    issue.path.startsWith(`${field}[`);
  const flag = FLAG_OF_FIELD.find(([field]) => within(field))?.[1];
  const reason = `${issue.path}: ${issue.message}`;
  return flag === undefined
    ? { setting: undefined, source: undefined, reason }
    : { setting: flag, source: { kind: "flag", flag }, reason };
}

const ONE_TARGETING =
  "give the devices to run on with --target-device <id> (repeatable) or --selector <selector>";

/** spec.targetDevices or spec.targetSelector, from exactly one of the two flags. */
function targetingFromFlags(
  flags: ApplyFlags,
): { targetDevices: string[] } | { targetSelector: LabelSelector } {
  const devices = flags.targetDevice;
  const selector = flags.selector;
  if (devices !== undefined && selector !== undefined)
    throw new ConfigError([
      {
        setting: "selector",
        source: undefined,
        reason: `--target-device and --selector cannot be used together: ${ONE_TARGETING}, not both`,
      },
    ]);
  if (selector !== undefined) return { targetSelector: selectorFromFlag(selector) };
  if (devices !== undefined) return { targetDevices: devices };
  throw new ConfigError([{ setting: "target-device", source: undefined, reason: ONE_TARGETING }]);
}

export function manifestFromFlags(flags: ApplyFlags): DeploymentResource {
  const { name, namespace } = identityFromFlags(flags);
  const targeting = targetingFromFlags(flags);
  const image = requireFlag(flags.image, "image");
  const ports = (flags.port ?? []).map(parsePortFlag);
  const service = { name: flags.serviceName ?? "main", image, ports };
  const rollout = rolloutFromFlags(flags);
  try {
    return deploymentManifest({
      namespace,
      name,
      spec: {
        ...targeting,
        score: { PodmanV0: { services: [service] } },
        ...(rollout === undefined ? {} : { rollout }),
      },
    });
  } catch (error) {
    if (isPayloadError(error)) throw new ConfigError(error.issues.map(problemOf), { cause: error });
    throw error;
  }
}
