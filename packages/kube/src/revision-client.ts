// A Deployment's revisions: one Kubernetes ControllerRevision (apps/v1) per
// distinct score, in the Deployment's namespace, through client-node's typed
// AppsV1Api. Names, labels and the owner reference are spelled here once, so
// the operator (which writes them), the CLI and the dashboard (which read
// them) agree. What a revision means is in @fleet/contracts (rollout.ts).
import { createHash } from "node:crypto";
import {
  AppsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type Configuration,
  type KubeConfig,
  type V1ControllerRevision,
} from "@kubernetes/client-node";
import {
  API_GROUP_VERSION,
  canonicalJson,
  formatIssues,
  KIND,
  REVISION_DEPLOYMENT_LABEL,
  REVISION_HASH_LABEL,
  revisionDataSchema,
  type RevisionData,
  type Score,
} from "@fleet/contracts";
import { isNotFound } from "./api-errors.js";

/** Longest object name (DNS-1123 subdomain) and label value Kubernetes accepts. */
const NAME_MAX_LENGTH = 253;
const LABEL_VALUE_MAX_LENGTH = 63;
const HASH_LENGTH = 10;

const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** A score's identity: the first 10 hex digits of sha256 over its canonical JSON. */
export function revisionHashOf(score: Score): string {
  return sha256Hex(canonicalJson(score)).slice(0, HASH_LENGTH);
}

/** Cuts `text` to `max` characters without leaving a '-' or '.' at the end (names must end alphanumeric). */
function cut(text: string, max: number): string {
  return text.slice(0, max).replace(/[-.]+$/, "");
}

/** `<deployment>-<hash>`, the deployment part shortened so the name stays within 253 characters. */
export function revisionName(deployment: string, hash: string): string {
  return `${cut(deployment, NAME_MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/**
 * The value of the deployment label: the name itself, or for names longer than
 * a label value may be (63), a prefix plus a hash of the whole name.
 */
export function revisionDeploymentLabelValue(deployment: string): string {
  if (deployment.length <= LABEL_VALUE_MAX_LENGTH) return deployment;
  const suffix = sha256Hex(deployment).slice(0, HASH_LENGTH);
  return `${cut(deployment, LABEL_VALUE_MAX_LENGTH - HASH_LENGTH - 1)}-${suffix}`;
}

/** The label selector of one Deployment's revisions. */
export function revisionSelector(deployment: string): string {
  return `${REVISION_DEPLOYMENT_LABEL}=${revisionDeploymentLabelValue(deployment)}`;
}

export interface RevisionManifestInput {
  namespace: string;
  /** The Deployment CR's name and uid (its owner). */
  deployment: string;
  uid: string;
  hash: string;
  revision: number;
  data: RevisionData;
}

/** The ControllerRevision of one revision of a Deployment, owned by the Deployment CR. */
export function revisionManifest(input: RevisionManifestInput): V1ControllerRevision {
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: revisionName(input.deployment, input.hash),
      namespace: input.namespace,
      labels: {
        [REVISION_DEPLOYMENT_LABEL]: revisionDeploymentLabelValue(input.deployment),
        [REVISION_HASH_LABEL]: input.hash,
      },
      ownerReferences: [
        {
          apiVersion: API_GROUP_VERSION,
          kind: KIND,
          name: input.deployment,
          uid: input.uid,
          controller: true,
        },
      ],
    },
    revision: input.revision,
    data: revisionDataSchema.parse(input.data),
  };
}

/** A stored revision as the readers need it; `data` is undefined (with `problem`) when it does not parse. */
export interface StoredRevision {
  name: string;
  namespace: string;
  revision: number;
  hash: string | undefined;
  /** The owning Deployment's name and uid, from the controller owner reference. */
  owner: { name: string; uid: string } | undefined;
  data: RevisionData | undefined;
  problem: string | undefined;
  createdAt: string | undefined;
}

/** Reads a ControllerRevision into a StoredRevision (its data validated by contracts). */
export function readRevision(object: V1ControllerRevision): StoredRevision {
  const owner = object.metadata?.ownerReferences?.find(
    (ref) => ref.kind === KIND && ref.apiVersion === API_GROUP_VERSION,
  );
  const parsed = revisionDataSchema.safeParse(object.data);
  const created = object.metadata?.creationTimestamp;
  return {
    name: object.metadata?.name ?? "",
    namespace: object.metadata?.namespace ?? "",
    revision: object.revision,
    hash: object.metadata?.labels?.[REVISION_HASH_LABEL],
    owner: owner === undefined ? undefined : { name: owner.name, uid: owner.uid },
    data: parsed.success ? parsed.data : undefined,
    problem: parsed.success ? undefined : `revision data: ${formatIssues(parsed.error)}`,
    createdAt: created instanceof Date ? created.toISOString() : created,
  };
}

export class RevisionClient {
  readonly #api: AppsV1Api;

  private constructor(api: AppsV1Api) {
    this.#api = api;
  }

  /** Acting as the kubeconfig's current user. */
  static forKubeConfig(kc: KubeConfig): RevisionClient {
    return new RevisionClient(kc.makeApiClient(AppsV1Api));
  }

  /** Acting with a prepared Configuration's credentials (e.g. a signed-in user's own token). */
  static forConfiguration(configuration: Configuration): RevisionClient {
    return new RevisionClient(new AppsV1Api(configuration));
  }

  /** The revisions of one Deployment (by its label, then by owner name), oldest number first. */
  async listOf(namespace: string, deployment: string): Promise<StoredRevision[]> {
    const list = await this.#api.listNamespacedControllerRevision({
      namespace,
      labelSelector: revisionSelector(deployment),
    });
    return list.items
      .map(readRevision)
      .filter((revision) => revision.owner?.name === deployment)
      .sort((a, b) => a.revision - b.revision);
  }

  /**
   * Every Deployment revision (any ControllerRevision with the deployment
   * label) in `namespace`, or in all namespaces when none is given: for
   * removing those whose Deployment is gone.
   */
  async listAll(namespace?: string): Promise<StoredRevision[]> {
    const labelSelector = REVISION_DEPLOYMENT_LABEL;
    const list =
      namespace === undefined
        ? await this.#api.listControllerRevisionForAllNamespaces({ labelSelector })
        : await this.#api.listNamespacedControllerRevision({ namespace, labelSelector });
    return list.items.map(readRevision);
  }

  async create(body: V1ControllerRevision): Promise<StoredRevision> {
    const namespace = body.metadata?.namespace ?? "";
    return readRevision(await this.#api.createNamespacedControllerRevision({ namespace, body }));
  }

  /**
   * Gives an existing revision a new number (its data stays: ControllerRevision
   * data is immutable, its number is not), as Kubernetes does when a rollback
   * reuses an old template, so commands bound to the old number no longer apply.
   */
  async renumber(namespace: string, name: string, revision: number): Promise<StoredRevision> {
    return readRevision(
      await this.#api.patchNamespacedControllerRevision(
        { namespace, name, body: { revision } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
  }

  /** Undefined when there is no such revision (404). */
  async find(namespace: string, name: string): Promise<StoredRevision | undefined> {
    try {
      return readRevision(await this.#api.readNamespacedControllerRevision({ namespace, name }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Deletes unless already gone; true when this call deleted it. */
  async deleteIfPresent(namespace: string, name: string): Promise<boolean> {
    try {
      await this.#api.deleteNamespacedControllerRevision({ namespace, name });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
