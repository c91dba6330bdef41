// The chart rendered by `helm template`, parsed into plain Kubernetes objects
// with small typed lookups for assertions.
import type {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1Ingress,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import { loadAll } from "js-yaml";
import { CHART_DIR, helmOk, type Values } from "./helm.js";

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  values?: Values;
}

export const DEFAULT_RELEASE = "fleet";
export const DEFAULT_NAMESPACE = "fleet-system";

function isRenderedObject(doc: unknown): doc is RenderedObject {
  if (typeof doc !== "object" || doc === null) return false;
  const candidate = doc as Partial<RenderedObject>;
  return (
    typeof candidate.apiVersion === "string" &&
    typeof candidate.kind === "string" &&
    typeof candidate.metadata?.name === "string"
  );
}

/** Parses a multi-document manifest; every non-empty document must be an object. */
export function parseManifests(text: string): RenderedObject[] {
  return loadAll(text)
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc, index) => {
      if (!isRenderedObject(doc)) {
        throw new Error(`document ${index} is not a Kubernetes object: ${JSON.stringify(doc)}`);
      }
      return doc;
    });
}

export async function renderText(options: RenderOptions = {}): Promise<string> {
  return helmOk(
    [
      "template",
      options.release ?? DEFAULT_RELEASE,
      CHART_DIR,
      "--namespace",
      options.namespace ?? DEFAULT_NAMESPACE,
    ],
    options.values,
  );
}

export async function render(options: RenderOptions = {}): Promise<RenderedObject[]> {
  return parseManifests(await renderText(options));
}

/** The client-node model of each kind the chart renders. */
export interface KindModels {
  ClusterRole: V1ClusterRole;
  ClusterRoleBinding: V1ClusterRoleBinding;
  Deployment: V1Deployment;
  Ingress: V1Ingress;
  Role: V1Role;
  RoleBinding: V1RoleBinding;
  Service: V1Service;
  ServiceAccount: V1ServiceAccount;
}

/** The one object of this kind (and name, if given); fails if there is not exactly one. */
export function one<K extends keyof KindModels>(
  objects: readonly RenderedObject[],
  kind: K,
  name?: string,
): KindModels[K] {
  const found = allOf(objects, [kind]).filter(
    (o) => name === undefined || o.metadata?.name === name,
  );
  if (found.length !== 1 || found[0] === undefined) {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ");
    throw new Error(
      `expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length} in: ${names}`,
    );
  }
  return found[0];
}

/** Every object of these kinds, as its client-node model (the wire field names match). */
export function allOf<K extends keyof KindModels>(
  objects: readonly RenderedObject[],
  kinds: readonly K[],
): KindModels[K][] {
  const wanted = new Set<string>(kinds);
  return objects.filter((o) => wanted.has(o.kind)) as unknown[] as KindModels[K][];
}

export const kindsOf = (objects: readonly RenderedObject[]): string[] =>
  objects.map((o) => o.kind).sort();

/** The Deployment's first (only) container. */
export function containerOf(deployment: V1Deployment): V1Container {
  const first = deployment.spec?.template.spec?.containers[0];
  if (first === undefined) throw new Error(`${deployment.metadata?.name} has no container`);
  return first;
}

/** The container's env by name. */
export function envOf(deployment: V1Deployment): Map<string, V1EnvVar> {
  return new Map((containerOf(deployment).env ?? []).map((e) => [e.name, e]));
}

/** Plain values by name (undefined for valueFrom). */
export function envValues(deployment: V1Deployment): Record<string, string | undefined> {
  return Object.fromEntries([...envOf(deployment)].map(([name, e]) => [name, e.value]));
}
