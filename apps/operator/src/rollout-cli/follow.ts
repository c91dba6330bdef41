// `rollout status --watch`: follows one Deployment CR through the shared
// list-then-watch (@fleet/kube's ResourceWatch, filtered to the one name) and
// hands every version of it to `seen` until its rollout settles for the
// current spec (Completed, RolledBack or Halted), or the CR goes away.
import { deploymentResourceSchema, formatIssues, type DeploymentResource } from "@fleet/contracts";
import {
  deploymentsPath,
  DeploymentClient,
  ResourceWatch,
  type DeploymentObject,
} from "@fleet/kube";
import { createLogger } from "@fleet/runtime";
import type { KubeConfig } from "@kubernetes/client-node";
import { DeploymentGoneError } from "./errors.js";
import { isSettled } from "./status-text.js";

export interface DeploymentId {
  namespace: string;
  name: string;
}

/** The CR as the contract reads it; a clear error when it does not parse. */
export function parseDeployment(object: DeploymentObject, id: DeploymentId): DeploymentResource {
  const parsed = deploymentResourceSchema.safeParse(object);
  if (!parsed.success)
    throw new Error(
      `deployment ${id.namespace}/${id.name} does not read as a Deployment: ${formatIssues(parsed.error)}`,
    );
  return parsed.data;
}

/**
 * Resolves with the CR once its rollout is settled; rejects when it is
 * deleted. A CR that does not exist fails the first read (404), and one
 * already settled is returned without starting a watch.
 */
export async function followRollout(
  kc: KubeConfig,
  id: DeploymentId,
  seen: (resource: DeploymentResource) => void,
): Promise<DeploymentResource> {
  const client = DeploymentClient.forKubeConfig(kc);
  const first = parseDeployment(await client.get(id.namespace, id.name), id);
  seen(first);
  if (isSettled(first)) return first;
  const fieldSelector = `metadata.name=${id.name}`;
  let watch: ResourceWatch<DeploymentObject> | undefined;
  let done = false;
  try {
    return await new Promise<DeploymentResource>((resolve, reject) => {
      const finish = (outcome: DeploymentResource | Error): void => {
        done = true;
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const look = (object: DeploymentObject): void => {
        if (done) return;
        try {
          const resource = parseDeployment(object, id);
          seen(resource);
          if (isSettled(resource)) finish(resource);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const gone = (): void => {
        if (!done)
          finish(new DeploymentGoneError(`deployment ${id.namespace}/${id.name} was deleted`));
      };
      watch = new ResourceWatch<DeploymentObject>({
        kc,
        path: `${deploymentsPath(id.namespace)}?fieldSelector=${encodeURIComponent(fieldSelector)}`,
        list: () => client.list(id.namespace, { fieldSelector }),
        keyOf: (object) => object.metadata?.name ?? "",
        handlers: {
          listed: (_keys, items) => {
            const [item] = items;
            if (item === undefined) gone();
            else look(item);
          },
          changed: (_key, object) => {
            look(object);
          },
          deleted: gone,
        },
        watchdogMs: 90_000,
        what: `deployment ${id.namespace}/${id.name}`,
        // Only the watch's own trouble (relists, restarts), on stderr, away from the output.
        log: createLogger({ level: "warn", name: "iot-operator", stream: "stderr" }),
      });
      watch.start();
    });
  } finally {
    // stop, not close: a watch request still opening would hold close() until
    // client-node's idle timeout, and the CLI exits right after this anyway.
    watch?.stop();
  }
}
