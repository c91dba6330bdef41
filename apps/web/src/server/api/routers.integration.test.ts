// The tRPC routers against the real local API server and NATS, acting as the
// local IdP's users with their own ID tokens (signed in at the IdP's real login
// form): the API server authenticates them and Kubernetes RBAC decides.
import { randomBytes } from "node:crypto";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { installCrd } from "@fleet/operator";
import {
  API_GROUP,
  API_VERSION,
  BUCKET_AGENT_STATUS,
  encodeAgentStatus,
  agentStatusKey,
  PLURAL,
} from "@fleet/contracts";
import {
  connectAsAdmin,
  kubeConfigFor,
  platformConnection,
  waitUntil,
} from "@fleet/local-platform/testing";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedInUser } from "../auth/signed-in-user";
import { dashboardKubeConfig, signInAtIdp } from "../auth/testing";
import { applyDashboardRbac } from "../kube/apply";
import { devicesApi } from "../devices/devices-api";
import { enrollmentTokensApi } from "../devices/enrollment-tokens-api";
import { deploymentsApi } from "../kube/deployments-api";
import { userConfiguration } from "../kube/user-configuration";
import { AgentStatusCache } from "../nats/agent-status-cache";
import type { Services } from "../services";
import { createCaller } from "./root";
import { rejection } from "./testing";

let alice: SignedInUser;
let bob: SignedInUser;
const suffix = randomBytes(3).toString("hex");
const name = `web-it-${suffix}`;
const device = `web-it-device-${suffix}`;

let services: Services;
let cache: AgentStatusCache;
let nats: NatsConnection;

const spec = {
  targetDevices: [device],
  score: {
    PodmanV0: {
      services: [
        {
          name: "nginx",
          image: "localhost/fleet-nginx:1.0",
          ports: [{ hostPort: 8080, containerPort: 80 }],
        },
      ],
    },
  },
};

beforeAll(async () => {
  const admin = await kubeConfigFor("admin");
  await installCrd(admin, pino({ level: "silent" }), 30_000);
  await applyDashboardRbac(admin);
  const connection = await platformConnection();
  nats = await connectAsAdmin({ connection });
  await new Kvm(nats).create(BUCKET_AGENT_STATUS);
  cache = new AgentStatusCache(
    { servers: [connection.natsUrl], credentialsFile: connection.natsSecrets.dashboardCreds },
    pino({ level: "silent" }),
  ).start();
  alice = (await signInAtIdp("alice")).user;
  bob = (await signInAtIdp("bob")).user;
  const dashboard = await dashboardKubeConfig();
  services = {
    deploymentsAs: (user) => deploymentsApi(userConfiguration(dashboard, user)),
    // Devices have their own tests (routers/devices.integration.test.ts).
    devicesAs: (user) => devicesApi(userConfiguration(dashboard, user), undefined),
    deviceProvisioning: false,
    enrollmentTokensAs: (user) =>
      enrollmentTokensApi(userConfiguration(dashboard, user), undefined),
    enrollment: false,
    agentStatus: cache,
    heartbeatPeriodMs: 5000,
  };
});

afterAll(async () => {
  await cache.stop();
  await nats.close();
});

describe("web routers - authentication", () => {
  it("answers UNAUTHORIZED without a signed-in user", async () => {
    const caller = createCaller({ user: null, services });
    expect((await rejection(caller.deployments.list())).code).toBe("UNAUTHORIZED");
    expect(
      (await rejection(caller.deployments.create({ namespace: "default", name, spec }))).code,
    ).toBe("UNAUTHORIZED");
    expect((await rejection(caller.fleet.devices())).code).toBe("UNAUTHORIZED");
  });
});

describe("web routers - deployments as the signed-in user (Kubernetes RBAC)", () => {
  it("forbids a viewer to create, naming RBAC", async () => {
    const error = await rejection(
      createCaller({ user: bob, services }).deployments.create({
        namespace: "default",
        name,
        spec,
      }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe(
      `You may not create deployment "${name}" in namespace "default" (Kubernetes RBAC)`,
    );
  });

  it("lets a deployer create, and the CR exists for the admin too", async () => {
    const created = await createCaller({ user: alice, services }).deployments.create({
      namespace: "default",
      name,
      spec,
    });
    expect(created.metadata.name).toBe(name);
    const admin = (await kubeConfigFor("admin")).makeApiClient(CustomObjectsApi);
    const object = (await admin.getNamespacedCustomObject({
      group: API_GROUP,
      version: API_VERSION,
      plural: PLURAL,
      namespace: "default",
      name,
    })) as { spec: { targetDevices: string[] } };
    expect(object.spec.targetDevices).toEqual([device]);
  });

  it("answers CONFLICT when the deployment already exists", async () => {
    const error = await rejection(
      createCaller({ user: alice, services }).deployments.create({
        namespace: "default",
        name,
        spec,
      }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("already exists");
  });

  it("lets a viewer read the list and one deployment", async () => {
    const viewer = createCaller({ user: bob, services });
    expect((await viewer.deployments.list()).map((d) => d.metadata.name)).toContain(name);
    expect(
      (await viewer.deployments.byName({ namespace: "default", name })).spec.targetDevices,
    ).toEqual([device]);
  });

  it("upgrades the image with setImage as a deployer, and forbids it to a viewer", async () => {
    const viewerError = await rejection(
      createCaller({ user: bob, services }).deployments.setImage({
        namespace: "default",
        name,
        image: "localhost/fleet-nginx:1.1",
      }),
    );
    expect(viewerError.code).toBe("FORBIDDEN");
    const updated = await createCaller({ user: alice, services }).deployments.setImage({
      namespace: "default",
      name,
      image: "localhost/fleet-nginx:1.1",
    });
    expect(updated.spec.score.PodmanV0.services[0]?.image).toBe("localhost/fleet-nginx:1.1");
  });

  it("rejects invalid input with BAD_REQUEST before Kubernetes is asked", async () => {
    const error = await rejection(
      createCaller({ user: alice, services }).deployments.create({
        namespace: "default",
        name: "Not_Valid",
        spec,
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("forbids a viewer to delete, lets a deployer delete", async () => {
    expect(
      (
        await rejection(
          createCaller({ user: bob, services }).deployments.delete({ namespace: "default", name }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    await createCaller({ user: alice, services }).deployments.delete({
      namespace: "default",
      name,
    });
    const error = await rejection(
      createCaller({ user: alice, services }).deployments.byName({ namespace: "default", name }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });
});

describe("web routers - fleet from the agent-status KV", () => {
  it("shows a device as soon as its heartbeat is in the bucket", async () => {
    const kv = await new Kvm(nats).open(BUCKET_AGENT_STATUS);
    const at = new Date().toISOString();
    await kv.put(
      agentStatusKey(device),
      encodeAgentStatus({ deviceId: device, agentVersion: "test", lastHeartbeatAt: at }),
    );
    const viewer = createCaller({ user: bob, services });
    await waitUntil(
      async () =>
        (await viewer.fleet.devices()).devices.some(
          (d) => d.deviceId === device && d.lastHeartbeatAt === at,
        ),
      {
        what: `device ${device} in fleet.devices`,
        timeoutMs: 10_000,
      },
    );
    expect((await viewer.fleet.device({ deviceId: device })).device.agentVersion).toBe("test");
    await kv.delete(agentStatusKey(device));
  });
});
