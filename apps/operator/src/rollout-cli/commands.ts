// `iot-operator rollout status|approve|pause|resume|rollback|history <name>`:
// a Deployment's staged rollout as the operator reports it (status.rollout),
// and the deployer's commands to it: annotations bound to a revision
// (approve, rollback) and spec.rollout.paused (pause, resume), sent as merge
// patches built by the contracts. The kubeconfig's user acts, so Kubernetes
// RBAC decides (fleet:deployers may patch Deployments).
import { namespaceNameSchema, resourceNameSchema, type DeploymentResource } from "@fleet/contracts";
import { DeploymentClient, RevisionClient } from "@fleet/kube";
import { ConfigError } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import { Option, type Command } from "commander";
import { kubeOption, say } from "../cli/options.js";
import { listConfig } from "../device/settings.js";
import { readEnv } from "../env.js";
import { loadKubeConfig } from "../kube/kube-config.js";
import { RolloutFailedError } from "./errors.js";
import { followRollout, parseDeployment, type DeploymentId } from "./follow.js";
import { historyTable } from "./history-table.js";
import { approveRequest, pauseRequest, rollbackRequest, type RolloutRequest } from "./requests.js";
import { deploymentRef, FAILED_PHASES, rolloutLine, rolloutStatusText } from "./status-text.js";

type Flags = Record<string, unknown>;

function flagProblem(flag: string, value: unknown, reason: string): ConfigError {
  return new ConfigError([{ setting: flag, source: { kind: "flag", flag }, value, reason }]);
}

/** The CR named by the argument and -n, both checked against Kubernetes' naming rules. */
export function deploymentIdOf(name: string, namespace: unknown): DeploymentId {
  const parsedName = resourceNameSchema.safeParse(name);
  if (!parsedName.success)
    throw new ConfigError([
      {
        setting: "name",
        source: undefined,
        reason: `invalid deployment name "${name}": ${parsedName.error.issues[0]?.message ?? "invalid"}`,
      },
    ]);
  const parsedNamespace = namespaceNameSchema.safeParse(namespace ?? "default");
  if (!parsedNamespace.success)
    throw flagProblem(
      "namespace",
      namespace,
      parsedNamespace.error.issues[0]?.message ?? "invalid",
    );
  return { name: parsedName.data, namespace: parsedNamespace.data };
}

/** --batch: a batch number, 1 or more. */
export function batchFlag(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[1-9][0-9]{0,5}$/.test(value))
    throw flagProblem("batch", value, "must be a batch number: 1 for the first batch, 2, ...");
  return Number(value);
}

interface Target {
  kc: KubeConfig;
  id: DeploymentId;
  client: DeploymentClient;
}

function targetOf(name: string, flags: Flags): Target {
  const id = deploymentIdOf(name, flags.namespace);
  const kc = loadKubeConfig(listConfig(flags, readEnv()));
  return { kc, id, client: DeploymentClient.forKubeConfig(kc) };
}

async function readDeployment(target: Target): Promise<DeploymentResource> {
  const { client, id } = target;
  return parseDeployment(await client.get(id.namespace, id.name), id);
}

/** Reads the CR, decides the patch from it, sends it, and says what was asked. */
async function send(
  target: Target,
  decide: (resource: DeploymentResource) => RolloutRequest,
): Promise<void> {
  const resource = await readDeployment(target);
  const request = decide(resource);
  await target.client.mergePatch(target.id.namespace, target.id.name, request.patch);
  say(`${deploymentRef(resource)}: ${request.summary}`);
}

const nameArgument = (command: Command): Command =>
  kubeOption(command).option(
    "-n, --namespace <namespace>",
    "the Deployment's namespace (default default)",
  );

/** Throws (exit 3) when the rollout as reported for the current spec rolled back or halted. */
function failIfFailed(resource: DeploymentResource): void {
  const rollout = resource.status?.rollout;
  if (rollout === undefined || !FAILED_PHASES.has(rollout.phase)) return;
  throw new RolloutFailedError(
    `${deploymentRef(resource)}: revision ${rollout.revision} is ${rollout.phase}: ${rollout.failure?.message ?? rollout.message}`,
  );
}

async function showStatus(target: Target, json: boolean, watch: boolean): Promise<void> {
  if (!watch) {
    const resource = await readDeployment(target);
    if (json)
      process.stdout.write(`${JSON.stringify(resource.status?.rollout ?? null, null, 2)}\n`);
    else process.stdout.write(rolloutStatusText(resource));
    failIfFailed(resource);
    return;
  }
  let last: string | undefined;
  const final = await followRollout(target.kc, target.id, (resource) => {
    // One line per change the person can see; relists and unrelated edits print nothing.
    const line = json ? JSON.stringify(resource.status?.rollout ?? null) : rolloutLine(resource);
    if (line === last) return;
    last = line;
    say(json ? line : `${new Date().toISOString()} ${line}`);
  });
  const phase = final.status?.rollout?.phase;
  // A rollout that failed ends with the whole report: its batches and the devices' errors.
  if (!json && phase !== undefined && FAILED_PHASES.has(phase))
    process.stdout.write(`\n${rolloutStatusText(final)}`);
  failIfFailed(final);
}

export function addRolloutCommands(rollout: Command): void {
  rollout.description(
    "a Deployment's staged rollout (spec.rollout): its progress batch by batch, and approve, pause, resume, roll back",
  );

  nameArgument(rollout.command("status <name>"))
    .description(
      "the rollout as the operator reports it: revision, stable revision, phase, batches, failure; exit 3 when RolledBack or Halted",
    )
    .option(
      "-w, --watch",
      "follow it, one line per change, until Completed, RolledBack or Halted (Ctrl-C stops)",
    )
    .addOption(
      new Option(
        "-o, --output <format>",
        "text, or json (status.rollout; one line per change with --watch)",
      )
        .choices(["text", "json"])
        .default("text"),
    )
    .action(async (name: string, flags: Flags) => {
      await showStatus(targetOf(name, flags), flags.output === "json", flags.watch === true);
    });

  nameArgument(rollout.command("approve <name>"))
    .description(
      "let the next batch start (the one WaitingForApproval waits for), or accept a Halted batch and go on",
    )
    .option("--batch <n>", "approve batches up to this one (1-based), ahead of time if need be")
    .action(async (name: string, flags: Flags) => {
      const batch = batchFlag(flags.batch);
      await send(targetOf(name, flags), (resource) => approveRequest(resource, batch));
    });

  nameArgument(rollout.command("pause <name>"))
    .description("stop the rollout where it is: no batch starts or is judged (spec.rollout.paused)")
    .action(async (name: string, flags: Flags) => {
      await send(targetOf(name, flags), (resource) => pauseRequest(resource, true));
    });

  nameArgument(rollout.command("resume <name>"))
    .description("go on with a paused rollout; the running batch's timeout starts again")
    .action(async (name: string, flags: Flags) => {
      await send(targetOf(name, flags), (resource) => pauseRequest(resource, false));
    });

  nameArgument(rollout.command("rollback <name>"))
    .description(
      "put every device back on the stable revision and stop rolling out the current one (not once it Completed)",
    )
    .action(async (name: string, flags: Flags) => {
      await send(targetOf(name, flags), rollbackRequest);
    });

  nameArgument(rollout.command("history <name>"))
    .description(
      "the Deployment's stored revisions: number, hash, created, images; which is stable, which the target",
    )
    .action(async (name: string, flags: Flags) => {
      const target = targetOf(name, flags);
      const resource = await readDeployment(target);
      const revisions = await RevisionClient.forKubeConfig(target.kc).listOf(
        target.id.namespace,
        target.id.name,
      );
      process.stdout.write(historyTable(revisions, resource.status?.rollout));
    });
}
