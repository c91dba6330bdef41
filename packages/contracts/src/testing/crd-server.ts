// The generated CRDs on a real API server, for integration tests: apply one
// and wait until it serves, and read what the server said when it refused an
// object.
import { waitUntil } from "@fleet/local-platform/testing";
import {
  ApiException,
  ApiextensionsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";

/** Server-side applies `crd` (forced) and waits until the API server reports it Established. */
export async function applyEstablished(
  kc: KubeConfig,
  crd: V1CustomResourceDefinition,
  fieldManager = "fleet-tests",
): Promise<void> {
  await KubernetesObjectApi.makeApiClient(kc).patch(
    crd,
    undefined,
    undefined,
    fieldManager,
    true,
    PatchStrategy.ServerSideApply,
  );
  const name = crd.metadata?.name ?? "";
  const crds = kc.makeApiClient(ApiextensionsV1Api);
  await waitUntil(
    async () =>
      (await crds.readCustomResourceDefinition({ name })).status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      ) ?? false,
    { what: `the CRD ${name} Established`, timeoutMs: 30_000 },
  );
}

/** The HTTP status and the Status message (as kubectl prints it) of a request that must fail. */
export async function refusal(
  request: Promise<unknown>,
): Promise<{ code: number; message: string }> {
  const error = await request.then(
    () => {
      throw new Error("the API server accepted it");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof ApiException)) throw error;
  const status: unknown = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
  const message =
    typeof status === "object" &&
    status !== null &&
    "message" in status &&
    typeof status.message === "string"
      ? status.message
      : JSON.stringify(status);
  return { code: error.code, message };
}
