// DeploymentsApi.watch / watchAll (what the deployments.watch and watchAll
// subscriptions stream) against the real API server: what an open page
// receives when the CR is created, upgraded and deleted from elsewhere, that
// the watch itself is made with the API's own credentials (as the signed-in
// user), and that it carries on after the API server restarts.
import { randomBytes } from "node:crypto";
import {
  createConfiguration,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  type Configuration,
  type KubeConfig,
  type RequestContext,
} from "@kubernetes/client-node";
import { installCrd } from "@fleet/operator";
import { API_GROUP, PLURAL, type DeploymentResource } from "@fleet/contracts";
import { kubeConfigFor, restartServer } from "@fleet/local-platform/testing";
import type { TRPCError } from "@trpc/server";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDashboardRbac } from "../../kube/apply";
import {
  deploymentsApi,
  type DeploymentChange,
  type DeploymentsApi,
} from "../../kube/deployments-api";

const suffix = randomBytes(3).toString("hex");
const lister = `web-it-lister-${suffix}`;

let admin: KubeConfig;
/** The local platform's static-token users: a deployer and a viewer. */
let alice: DeploymentsApi;
let bob: DeploymentsApi;
const cleanups: (() => Promise<unknown>)[] = [];

function configurationOf(kc: KubeConfig): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("no current cluster");
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
  });
}

/** The admin's credentials, acting as `user`: allowed exactly what RBAC grants that user. */
function actingAs(kc: KubeConfig, user: string): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("no current cluster");
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: {
      default: {
        getName: () => "acting-as",
        applySecurityAuthentication: async (context: RequestContext) => {
          await kc.applySecurityAuthentication(context);
          context.setHeaderParam("Impersonate-User", user);
        },
      },
    },
  });
}

const spec = (image: string): DeploymentResource["spec"] => ({
  targetDevices: [`web-it-watch-device-${suffix}`],
  score: {
    PodmanV0: {
      services: [
        { name: "nginx", image, ports: [{ hostPort: 8080, containerPort: 80, protocol: "TCP" }] },
      ],
    },
  },
});

const imageOf = (d: DeploymentResource): string | undefined =>
  d.spec.score.PodmanV0.services[0]?.image;

type Changes = AsyncIterator<DeploymentChange>;

async function nextChange(changes: Changes): Promise<DeploymentChange> {
  const next = await changes.next();
  if (next.done === true) throw new Error("the watch ended");
  return next.value;
}

/** Reads changes until one matches (the API server may send others in between). */
async function until(
  changes: Changes,
  matches: (change: DeploymentChange) => boolean,
): Promise<DeploymentChange> {
  for (;;) {
    const change = await nextChange(changes);
    if (matches(change)) return change;
  }
}

function watchOf(iterable: AsyncIterable<DeploymentChange>): Changes {
  return iterable[Symbol.asyncIterator]();
}

beforeAll(async () => {
  admin = await kubeConfigFor("admin");
  await installCrd(admin, pino({ level: "silent" }), 30_000);
  await applyDashboardRbac(admin);
  alice = deploymentsApi(configurationOf(await kubeConfigFor("alice")));
  bob = deploymentsApi(configurationOf(await kubeConfigFor("bob")));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe("deployments.watch - an open page follows its CR", () => {
  it("sends the deployment now, its upgrade and its deletion, as they happen", async () => {
    const name = `web-it-watch-${suffix}`;
    const abort = new AbortController();
    const changes = watchOf(bob.watch("default", name, abort.signal));
    try {
      expect(await nextChange(changes)).toEqual({ type: "snapshot", items: [] });

      await alice.create({
        namespace: "default",
        name,
        spec: spec("localhost/fleet-nginx:1.0"),
      });
      const created = await until(changes, (c) => c.type === "upsert");
      expect(created.type === "upsert" && imageOf(created.item)).toBe("localhost/fleet-nginx:1.0");

      await alice.setImage({ namespace: "default", name, image: "localhost/fleet-nginx:1.1" });
      await until(
        changes,
        (c) => c.type === "upsert" && imageOf(c.item) === "localhost/fleet-nginx:1.1",
      );

      await alice.delete("default", name);
      const deleted = await until(changes, (c) => c.type !== "upsert");
      expect(deleted.type).toBe("deleted");
      expect(deleted.type === "deleted" && deleted.item.metadata.name).toBe(name);
    } finally {
      abort.abort();
      await changes.return?.();
    }
  });

  it("lists every deployment first, then follows each one (watchAll)", async () => {
    const name = `web-it-watch-all-${suffix}`;
    await alice.create({
      namespace: "default",
      name,
      spec: spec("localhost/fleet-nginx:1.0"),
    });
    cleanups.push(() => alice.delete("default", name));
    const abort = new AbortController();
    const changes = watchOf(bob.watchAll(abort.signal));
    try {
      const first = await nextChange(changes);
      expect(first.type).toBe("snapshot");
      expect(first.type === "snapshot" && first.items.some((d) => d.metadata.name === name)).toBe(
        true,
      );
      await alice.delete("default", name);
      await until(changes, (c) => c.type === "deleted" && c.item.metadata.name === name);
    } finally {
      abort.abort();
      await changes.return?.();
    }
  });

  it("is made as the signed-in user: one who may list but not watch is refused", async () => {
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: lister },
        rules: [{ apiGroups: [API_GROUP], resources: [PLURAL], verbs: ["get", "list"] }],
      },
    });
    cleanups.push(() => rbac.deleteClusterRole({ name: lister }));
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: lister },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: lister },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: lister }],
      },
    });
    cleanups.push(() => rbac.deleteClusterRoleBinding({ name: lister }));
    const api = deploymentsApi(actingAs(admin, lister));
    await expect(api.list()).resolves.toBeInstanceOf(Array);
    const abort = new AbortController();
    const changes = watchOf(api.watch("default", "anything", abort.signal));
    expect((await nextChange(changes)).type).toBe("snapshot");
    const refusal = await nextChange(changes).then(
      () => undefined,
      (error: unknown) => error as TRPCError,
    );
    abort.abort();
    expect(refusal?.code).toBe("FORBIDDEN");
    expect(refusal?.message).toBe("You may not watch deployments (Kubernetes RBAC)");
  });

  it("carries on after the API server restarts", async () => {
    const name = `web-it-watch-restart-${suffix}`;
    await alice.create({
      namespace: "default",
      name,
      spec: spec("localhost/fleet-nginx:1.0"),
    });
    cleanups.push(() => alice.delete("default", name));
    const abort = new AbortController();
    const changes = watchOf(bob.watch("default", name, abort.signal));
    try {
      expect((await nextChange(changes)).type).toBe("snapshot");
      await restartServer("kube-apiserver");
      await alice.setImage({ namespace: "default", name, image: "localhost/fleet-nginx:1.1" });
      await until(
        changes,
        (c) =>
          (c.type === "upsert" && imageOf(c.item) === "localhost/fleet-nginx:1.1") ||
          (c.type === "snapshot" &&
            c.items.some((d) => imageOf(d) === "localhost/fleet-nginx:1.1")),
      );
    } finally {
      abort.abort();
      await changes.return?.();
    }
  }, 120_000);
});
