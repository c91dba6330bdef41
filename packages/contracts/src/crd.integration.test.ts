import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type ApiException,
  type KubeConfig,
} from "@kubernetes/client-node";
import { kubeConfigFor } from "@fleet/local-platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeploymentCrd } from "./crd.js";
import { API_GROUP, API_VERSION, deploymentManifest, PLURAL } from "./deployment.js";
import type { DeploymentStatus } from "./deployment-status.js";
import { ENV_VALUE_MAX_LENGTH, MESSAGE_MAX_LENGTH } from "./limits.js";
import { applyEstablished, refusal } from "./testing/crd-server.js";

const namespace = "default";
const runId = Date.now().toString(36);
const validSpec = {
  targetDevices: ["pi-1"],
  score: {
    PodmanV0: {
      services: [
        {
          name: "web",
          image: "localhost/fleet-nginx:1.0",
          ports: [{ hostPort: 8080, containerPort: 80 }],
        },
      ],
    },
  },
};

/** A Deployment object that skips zod, to see what the API server alone rejects. */
function rawDeployment(name: string, spec: unknown): object {
  return {
    apiVersion: `${API_GROUP}/${API_VERSION}`,
    kind: "Deployment",
    metadata: { name, namespace },
    spec,
  };
}

/** The API server's answer to a create it must refuse (422 Invalid). */
const rejection = (
  api: CustomObjectsApi,
  body: object,
): Promise<{ code: number; message: string }> =>
  refusal(
    api.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body,
    }),
  );

describe("contracts - the generated CRD on a real kube-apiserver", () => {
  let kc: KubeConfig;
  let objects: CustomObjectsApi;
  const created: string[] = [];

  beforeAll(async () => {
    kc = await kubeConfigFor("admin");
    objects = kc.makeApiClient(CustomObjectsApi);
  });

  afterAll(async () => {
    for (const name of created) {
      await objects
        .deleteNamespacedCustomObject({
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: PLURAL,
          name,
        })
        .catch(() => undefined);
    }
  });

  it("is accepted by server-side apply and becomes Established", async () => {
    await applyEstablished(kc, buildDeploymentCrd(), "contracts-it");
  });

  it("rejects an empty targetDevices, naming the field", async () => {
    const body = rawDeployment(`empty-targets-${runId}`, { ...validSpec, targetDevices: [] });
    const { code, message } = await rejection(objects, body);
    expect(code).toBe(422);
    expect(message).toContain("spec.targetDevices");
  });

  it("rejects a Deployment naming both targetDevices and targetSelector, and one naming neither", async () => {
    const selector = { matchLabels: { app: "kiosk" } };
    const both = rawDeployment(`both-targets-${runId}`, { ...validSpec, targetSelector: selector });
    const refusedBoth = await rejection(objects, both);
    expect(refusedBoth.code).toBe(422);
    expect(refusedBoth.message).toContain("exactly one of targetDevices and targetSelector");
    const { targetDevices: _unused, ...withoutTargets } = validSpec;
    const refusedNeither = await rejection(
      objects,
      rawDeployment(`no-targets-${runId}`, withoutTargets),
    );
    expect(refusedNeither.code).toBe(422);
    expect(refusedNeither.message).toContain("exactly one of targetDevices and targetSelector");
  });

  it("rejects an empty selector (it would match every device) and a bad operator", async () => {
    const { targetDevices: _unused, ...withoutTargets } = validSpec;
    const empty = rawDeployment(`empty-selector-${runId}`, {
      ...withoutTargets,
      targetSelector: {},
    });
    const refusedEmpty = await rejection(objects, empty);
    expect(refusedEmpty.code).toBe(422);
    expect(refusedEmpty.message).toContain("spec.targetSelector");
    const badOperator = rawDeployment(`bad-operator-${runId}`, {
      ...withoutTargets,
      targetSelector: { matchExpressions: [{ key: "app", operator: "Near", values: ["x"] }] },
    });
    const refusedOperator = await rejection(objects, badOperator);
    expect(refusedOperator.code).toBe(422);
    expect(refusedOperator.message).toContain("spec.targetSelector.matchExpressions[0].operator");
  });

  it("stores a Deployment that targets a selector", async () => {
    const name = `selector-${runId}`;
    const { targetDevices: _unused, ...withoutTargets } = validSpec;
    const manifest = deploymentManifest({
      namespace,
      name,
      spec: {
        ...withoutTargets,
        targetSelector: {
          matchLabels: { app: "kiosk" },
          matchExpressions: [{ key: "region", operator: "In", values: ["eu", "us"] }],
        },
      },
    });
    created.push(name);
    await objects.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body: manifest,
    });
  });

  it("rejects a score with an unknown tag, naming the field", async () => {
    const body = rawDeployment(`unknown-tag-${runId}`, { ...validSpec, score: { DockerV9: {} } });
    const { code, message } = await rejection(objects, body);
    expect(code).toBe(422);
    expect(message).toContain("spec.score");
  });

  it("rejects a port out of range, naming the field", async () => {
    const ports = [{ hostPort: 70000, containerPort: 80 }];
    const spec = {
      ...validSpec,
      score: { PodmanV0: { services: [{ name: "web", image: "nginx", ports }] } },
    };
    const { code, message } = await rejection(objects, rawDeployment(`bad-port-${runId}`, spec));
    expect(code).toBe(422);
    expect(message).toContain("spec.score.PodmanV0.services[0].ports[0].hostPort");
  });

  /** validSpec with its one service changed. */
  const withService = (service: object): object => ({
    ...validSpec,
    score: { PodmanV0: { services: [{ name: "web", image: "nginx", ports: [], ...service }] } },
  });
  const IMAGE_FIELD = "spec.score.PodmanV0.services[0].image";

  it("rejects a malformed image reference on its own, naming the field", async () => {
    for (const [i, image] of ["nginx latest", "Nginx:1", "javascript:alert(1)"].entries()) {
      const body = rawDeployment(`bad-image-${i}-${runId}`, withService({ image }));
      const { code, message } = await rejection(objects, body);
      expect(code, image).toBe(422);
      expect(message, image).toContain(IMAGE_FIELD);
      expect(message, image).toMatch(/should match|does not match/);
    }
  });

  it("rejects an oversize env value, naming the field", async () => {
    const env = { BIG: "v".repeat(ENV_VALUE_MAX_LENGTH + 1) };
    const body = rawDeployment(`big-env-${runId}`, withService({ env }));
    const { code, message } = await rejection(objects, body);
    expect(code).toBe(422);
    expect(message).toContain("spec.score.PodmanV0.services[0].env.BIG");
    expect(message).toContain(`may not be more than ${ENV_VALUE_MAX_LENGTH}`);
  });

  it("rejects an env name podman could not pass on (checked with CEL)", async () => {
    const body = rawDeployment(`bad-env-name-${runId}`, withService({ env: { "A=B": "x" } }));
    const { code, message } = await rejection(objects, body);
    expect(code).toBe(422);
    expect(message).toContain("spec.score.PodmanV0.services[0].env");
    expect(message).toContain("environment variable names must consist of");
  });

  it("stores a valid Deployment, defaults the protocol, and lets its status subresource be patched", async () => {
    const name = `valid-${runId}`;
    created.push(name);
    const manifest = deploymentManifest({ namespace, name, spec: validSpec });
    await objects.createNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      body: manifest,
    });

    const aggregate = {
      matchedDevices: 1,
      succeeded: 1,
      failed: 0,
      pending: 0,
      unreported: 0,
      conflicted: 0,
      recentEvents: [],
      recentFailures: [],
    };
    const status: DeploymentStatus = { observedGeneration: 1, conditions: [], aggregate };
    await objects.patchNamespacedCustomObjectStatus(
      { group: API_GROUP, version: API_VERSION, namespace, plural: PLURAL, name, body: { status } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const stored = (await objects.getNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      namespace,
      plural: PLURAL,
      name,
    })) as {
      spec: typeof validSpec & {
        score: { PodmanV0: { services: { ports: { protocol?: string }[] }[] } };
      };
      status: DeploymentStatus;
    };
    expect(stored.status.aggregate?.succeeded).toBe(1);
    expect(stored.spec.score.PodmanV0.services[0]?.ports[0]?.protocol).toBe("TCP");

    // The status schema bounds messages too: one over MESSAGE_MAX_LENGTH is refused.
    const tooLong: DeploymentStatus = {
      ...status,
      aggregate: {
        ...aggregate,
        lastError: {
          device: "pi-1",
          message: "m".repeat(MESSAGE_MAX_LENGTH + 1),
          at: "2026-01-01T00:00:00Z",
        },
      },
    };
    const refused = (await objects
      .patchNamespacedCustomObjectStatus(
        {
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: PLURAL,
          name,
          body: { status: tooLong },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as ApiException<unknown> | undefined;
    expect(refused?.code).toBe(422);
    expect(JSON.stringify(refused?.body)).toContain("status.aggregate.lastError.message");
  });
});
