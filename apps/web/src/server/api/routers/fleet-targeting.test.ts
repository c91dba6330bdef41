// Selector targeting through tRPC's real HTTP handler: the live preview counts
// what a selector would target (the Device CRs come from a stub of the user's
// Devices API), and the create mutation refuses a spec that targets both or
// neither, naming the field, before anything reaches Kubernetes.
import { beforeAll, describe, expect, it } from "vitest";
import type { RegisteredDevice } from "../../../devices/device-rows";
import { signedInUser } from "../../auth/signed-in-user";
import type { DevicesApi } from "../../devices/devices-api";
import type { DeploymentsApi } from "../../kube/deployments-api";
import type { Services } from "../../services";
import { callOverHttp, useTestEnv } from "../../../testing/trpc-http";

const alice = signedInUser({ username: "alice", role: "deployer" }, "not-a-real-id-token");

const registered = (
  id: string,
  labels: Record<string, string>,
  phase: RegisteredDevice["phase"] = "Enrolled",
): RegisteredDevice => ({
  id,
  labels,
  phase,
  disabled: phase === "Disabled",
  approved: phase !== "PendingApproval",
});

const registry = [
  registered("kiosk-1", { app: "kiosk", region: "eu" }),
  registered("kiosk-2", { app: "kiosk", region: "us" }),
  registered("kiosk-3", { app: "kiosk", region: "eu" }, "PendingApproval"),
  registered("camera-1", { app: "camera", region: "eu" }),
];

const creates: unknown[] = [];
const unused = (): never => {
  throw new Error("not used by these tests");
};
const services: Services = {
  // Only what these procedures call; anything else would throw.
  deploymentsAs: () =>
    ({
      create: (input: unknown) => {
        creates.push(input);
        return Promise.reject(new Error("the test stops before Kubernetes"));
      },
    }) as Partial<DeploymentsApi> as DeploymentsApi,
  devicesAs: () => ({ list: () => Promise.resolve(registry) }) as Partial<DevicesApi> as DevicesApi,
  deviceProvisioning: false,
  enrollmentTokensAs: unused,
  enrollment: false,
  agentStatus: { snapshot: () => Promise.resolve([]), get: () => Promise.resolve(undefined) },
  heartbeatPeriodMs: 5000,
};

const call = (path: string, input: unknown, method: "GET" | "POST" = "GET") =>
  callOverHttp({ user: alice, services }, path, input, method);

beforeAll(useTestEnv);

describe("fleet.selectorPreview - the new-deployment form's live count", () => {
  it("counts enrolled devices whose labels match, and those left out", async () => {
    const { status, body } = await call("fleet.selectorPreview", {
      selector: {
        matchLabels: { app: "kiosk" },
        matchExpressions: [{ key: "region", operator: "In", values: ["eu"] }],
      },
    });
    expect(status).toBe(200);
    expect(body.result?.data).toEqual({ targeted: 1, notTargeted: 1, examples: ["kiosk-1"] });
  });

  it("refuses an empty selector, naming the field", async () => {
    const { status, body } = await call("fleet.selectorPreview", { selector: {} });
    expect(status).toBe(400);
    expect(body.error?.data.fieldErrors).toHaveProperty("selector");
    expect(body.error?.message).toMatch(/would match every device/);
  });

  it("refuses an invalid label key, naming its path", async () => {
    const { status, body } = await call("fleet.selectorPreview", {
      selector: { matchLabels: { "not a key": "x" } },
    });
    expect(status).toBe(400);
    expect(Object.keys(body.error?.data.fieldErrors ?? {})).toEqual([
      "selector.matchLabels.not a key",
    ]);
  });
});

describe("fleet.matching - the fleet page's label filter", () => {
  it("lists every device whose labels match, pending ones included", async () => {
    const { body } = await call("fleet.matching", { selector: { matchLabels: { region: "eu" } } });
    expect(body.result?.data).toEqual({ deviceIds: ["camera-1", "kiosk-1", "kiosk-3"] });
  });
  it("lists only targeted devices when asked", async () => {
    const { body } = await call("fleet.matching", {
      selector: { matchLabels: { region: "eu" } },
      targetedOnly: true,
    });
    expect(body.result?.data).toEqual({ deviceIds: ["camera-1", "kiosk-1"] });
  });
});

describe("deployments.create - exactly one of targetDevices and targetSelector", () => {
  const score = {
    PodmanV0: {
      services: [
        {
          name: "web",
          image: "localhost/fleet-nginx:1.0",
          ports: [{ hostPort: 8080, containerPort: 80 }],
        },
      ],
    },
  };
  const create = (targets: Record<string, unknown>) =>
    call(
      "deployments.create",
      { namespace: "default", name: "web", spec: { ...targets, score } },
      "POST",
    );

  it("refuses a device list and a selector together, naming the field", async () => {
    const before = creates.length;
    const { status, body } = await create({
      targetDevices: ["pi-1"],
      targetSelector: { matchLabels: { app: "kiosk" } },
    });
    expect(status).toBe(400);
    expect(body.error?.data.fieldErrors).toEqual({
      "spec.targetDevices": "exactly one of targetDevices and targetSelector must be set",
    });
    expect(creates.length).toBe(before);
  });

  it("refuses a spec with neither, naming the selector", async () => {
    const { status, body } = await create({});
    expect(status).toBe(400);
    expect(body.error?.data.fieldErrors).toHaveProperty("spec.targetSelector");
  });

  it("refuses a malformed selector expression, naming its path", async () => {
    const { status, body } = await create({
      targetSelector: { matchExpressions: [{ key: "region", operator: "In" }] },
    });
    expect(status).toBe(400);
    expect(body.error?.data.fieldErrors).toEqual({
      "spec.targetSelector.matchExpressions.0.values": "operator In needs at least one value",
    });
  });

  it("passes a selector-only spec on to Kubernetes as the user", async () => {
    const before = creates.length;
    await create({ targetSelector: { matchLabels: { app: "kiosk" } } });
    expect(creates.slice(before)).toEqual([
      expect.objectContaining({
        spec: expect.objectContaining({
          targetSelector: { matchLabels: { app: "kiosk" } },
        }) as unknown,
      }),
    ]);
  });
});
