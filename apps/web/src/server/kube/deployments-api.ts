// Deployment CRs read, written and watched as one user: every request, the
// watch included, goes out with the credentials of the one Configuration given.
import type { Configuration } from "@kubernetes/client-node";
import {
  deploymentManifest,
  deploymentResourceSchema,
  type DeploymentResource,
  type DeploymentSpecInput,
  withServiceImage,
} from "@fleet/contracts";
import {
  DeploymentClient,
  deploymentsPath,
  isUnprocessable,
  type DeploymentList,
  type JsonPatchOp,
} from "@fleet/kube";
import { TRPCError } from "@trpc/server";
import { toTrpcError, type KubeAction } from "./kube-errors";
import type { DeploymentChange } from "../../deployments/changes";
import { checkRolloutCommand, type RolloutCommand } from "../../deployments/rollout-commands";
import { watchChanges, type Listed } from "./watch-changes";

export type { DeploymentChange };

export interface DeploymentsApi {
  list(): Promise<DeploymentResource[]>;
  get(namespace: string, name: string): Promise<DeploymentResource>;
  create(input: {
    namespace: string;
    name: string;
    spec: DeploymentSpecInput;
  }): Promise<DeploymentResource>;
  setImage(input: {
    namespace: string;
    name: string;
    image: string;
    service?: string | undefined;
  }): Promise<DeploymentResource>;
  delete(namespace: string, name: string): Promise<void>;
  /**
   * Approves a batch, rolls back or pauses/resumes, after checking the command
   * against the CR as it is now (refused with CONFLICT or PRECONDITION_FAILED).
   */
  rollout(namespace: string, name: string, command: RolloutCommand): Promise<DeploymentResource>;
  /**
   * One deployment as it is now (a snapshot of zero or one), then each change,
   * until `signal` aborts; a deleted deployment arrives as "deleted".
   */
  watch(namespace: string, name: string, signal: AbortSignal): AsyncIterable<DeploymentChange>;
  /** Every deployment the user may list, then each change. */
  watchAll(signal: AbortSignal): AsyncIterable<DeploymentChange>;
}

async function call<T>(action: KubeAction, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toTrpcError(error, action);
  }
}

/** Objects that fail the contracts are left out of lists rather than breaking the page. */
function parseAll(items: unknown[]): DeploymentResource[] {
  return items.flatMap((item) => {
    const parsed = deploymentResourceSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function parseOne(object: unknown): DeploymentResource | undefined {
  const parsed = deploymentResourceSchema.safeParse(object);
  return parsed.success ? parsed.data : undefined;
}

const listed = ({ items, resourceVersion }: DeploymentList): Listed => ({
  items,
  resourceVersion: resourceVersion === "" ? undefined : resourceVersion,
});

export function deploymentsApi(configuration: Configuration): DeploymentsApi {
  const client = DeploymentClient.forConfiguration(configuration);
  const get = async (namespace: string, name: string): Promise<DeploymentResource> => {
    const object = await call({ verb: "get", namespace, name }, () => client.get(namespace, name));
    return deploymentResourceSchema.parse(object);
  };
  return {
    async list() {
      const list = await call({ verb: "list" }, () => client.list());
      return parseAll(list.items).sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace}/${b.metadata.name}`,
        ),
      );
    },
    get,
    async create(input) {
      const body = deploymentManifest(input);
      const created = await call(
        { verb: "create", namespace: input.namespace, name: input.name },
        () => client.create(body),
      );
      return deploymentResourceSchema.parse(created);
    },
    async setImage({ namespace, name, image, service }) {
      const current = await get(namespace, name);
      const score = withServiceImage(current.spec.score, image, service);
      const action: KubeAction = { verb: "update", namespace, name };
      // Concurrency on the spec, not the whole object: the patch applies only to the
      // generation we read, so a concurrent spec edit is refused (never a lost update),
      // while the operator's status writes (which bump resourceVersion once a
      // second on a busy CR) no longer make an upgrade fail.
      const ops: JsonPatchOp[] = [
        { op: "test", path: "/metadata/generation", value: current.metadata.generation },
        { op: "replace", path: "/spec/score", value: score },
      ];
      try {
        return deploymentResourceSchema.parse(await client.jsonPatch(namespace, name, ops));
      } catch (error) {
        if (isUnprocessable(error)) {
          const now = await get(namespace, name);
          if (now.metadata.generation !== current.metadata.generation) {
            throw new TRPCError({
              code: "CONFLICT",
              message: `deployment "${name}" in namespace "${namespace}" changed meanwhile; reload and try again`,
              cause: error,
            });
          }
        }
        throw toTrpcError(error, action);
      }
    },
    async rollout(namespace, name, command) {
      const checked = checkRolloutCommand(await get(namespace, name), command);
      if (!checked.ok) throw new TRPCError({ code: checked.code, message: checked.message });
      // A merge patch of one annotation (or spec.rollout.paused): the operator's
      // status writes meanwhile never make it fail, and a stale command is harmless
      // because the annotation names the revision it was meant for.
      const patched = await call({ verb: "update", namespace, name }, () =>
        client.mergePatch(namespace, name, checked.patch),
      );
      return deploymentResourceSchema.parse(patched);
    },
    async delete(namespace, name) {
      await call({ verb: "delete", namespace, name }, () => client.delete(namespace, name));
    },
    watch(namespace, name, signal) {
      const fieldSelector = `metadata.name=${name}`;
      return watchChanges({
        configuration,
        path: deploymentsPath(namespace),
        fieldSelector,
        list: async () =>
          listed(
            await call({ verb: "get", namespace, name }, () =>
              client.list(namespace, { fieldSelector }),
            ),
          ),
        parse: parseOne,
        signal,
      });
    },
    watchAll(signal) {
      return watchChanges({
        configuration,
        path: deploymentsPath(),
        list: async () => listed(await call({ verb: "list" }, () => client.list())),
        parse: parseOne,
        signal,
      });
    },
  };
}
