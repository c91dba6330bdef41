// The error bodies a browser receives, through tRPC's real HTTP handler. The
// services are stubs that fail on purpose: what is under test is only what
// leaves the server when they do.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { beforeAll, describe, expect, it } from "vitest";
import { signedInUser } from "../auth/signed-in-user";
import type { Services } from "../services";
import { appRouter } from "./root";

const alice = signedInUser({ username: "alice", role: "deployer" }, "not-a-real-id-token");
const SECRET_TEXT = "connect ECONNREFUSED 10.1.2.3:6443 (token sk-live-123 in /etc/fleet/creds)";

const failingServices: Services = {
  deploymentsAs: () => {
    throw new Error(SECRET_TEXT);
  },
  devicesAs: () => {
    throw new Error(SECRET_TEXT);
  },
  deviceProvisioning: true,
  enrollmentTokensAs: () => {
    throw new Error(SECRET_TEXT);
  },
  enrollment: true,
  agentStatus: {
    snapshot: () => Promise.resolve([]),
    get: () => Promise.reject(new Error(SECRET_TEXT)),
  },
  heartbeatPeriodMs: 5000,
};

interface ErrorBody {
  error: { message: string; data: Record<string, unknown> };
}

async function call(path: string, init: { input?: unknown; method?: "GET" | "POST" } = {}) {
  const method = init.method ?? "GET";
  const query =
    method === "GET" && init.input !== undefined
      ? `?input=${encodeURIComponent(JSON.stringify(init.input))}`
      : "";
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://dashboard.test/api/trpc/${path}${query}`, {
      method,
      ...(method === "POST" && {
        body: JSON.stringify(init.input),
        headers: { "content-type": "application/json" },
      }),
    }),
    router: appRouter,
    createContext: () => Promise.resolve({ user: alice, services: failingServices }),
  });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

beforeAll(() => {
  // The formatter logs unexpected errors; the logger reads the validated env.
  Object.assign(process.env, {
    NATS_WS_URL: "ws://127.0.0.1:1",
    // Only checked to be readable here; nothing opens NATS in this test.
    LIVE_TICKET_KEY_FILE: process.execPath,
    OIDC_ISSUER: "https://id.example.com",
    OIDC_CLIENT_ID: "fleet-dashboard",
    OIDC_CLIENT_SECRET: "secret",
    SESSION_SECRET: "0123456789abcdef0123456789abcdef",
    LOG_LEVEL: "silent",
  });
});

describe("tRPC errors as the browser sees them", () => {
  it("an unexpected exception gives a reference to the log, never its own text or stack", async () => {
    const { status, body } = await call("fleet.devices");
    expect(status).toBe(500);
    const text = JSON.stringify(body);
    expect(text).not.toContain("ECONNREFUSED");
    expect(text).not.toContain("sk-live-123");
    expect(body.error.data.stack).toBeUndefined();
    expect(body.error.message).toMatch(/reference [0-9a-f-]{36} in its log/);
    expect(body.error.data.reference).toEqual(expect.any(String));
  });

  it("invalid input names each field path with its message, without zod's JSON dump", async () => {
    const { status, body } = await call("deployments.byName", {
      input: { namespace: "Not_A_Namespace", name: "x".repeat(100_000) },
    });
    expect(status).toBe(400);
    expect(Object.keys(body.error.data.fieldErrors as object).sort()).toEqual([
      "name",
      "namespace",
    ]);
    expect(body.error.message).toMatch(/^Invalid input: /);
    expect(body.error.message).toContain("namespace: ");
    expect(body.error.message).not.toContain('"code"');
    expect(body.error.message).not.toContain("x".repeat(300));
  });

  it("a deliberate error keeps its message", async () => {
    const { status, body } = await call("fleet.device", { input: { deviceId: "UPPER" } });
    expect(status).toBe(400);
    expect(body.error.data.fieldErrors).toHaveProperty("deviceId");
  });
});

// deploymentsAs() throws in these tests, so a 400 naming the field proves the
// router refused the input before anything reached Kubernetes.
describe("oversize and malformed input stops at the router", () => {
  const service = { name: "web", image: "localhost/fleet-nginx:1.0", ports: [] };
  const create = (over: Record<string, unknown>) => ({
    namespace: "default",
    name: "web",
    spec: { targetDevices: ["pi-1"], score: { PodmanV0: { services: [{ ...service, ...over }] } } },
  });
  const imagePath = "spec.score.PodmanV0.services.0.image";

  it.each([
    ["a 600 KB image", create({ image: `localhost/${"a".repeat(600_000)}:1` }), imagePath],
    ["an image with a space", create({ image: "nginx latest" }), imagePath],
    [
      "an env value over its limit",
      create({ env: { MODE: "x".repeat(40_000) } }),
      "spec.score.PodmanV0.services.0.env.MODE",
    ],
    [
      "a command item over its limit",
      create({ command: ["x".repeat(40_000)] }),
      "spec.score.PodmanV0.services.0.command.0",
    ],
  ])("deployments.create refuses %s, naming the field", async (_what, input, path) => {
    const { status, body } = await call("deployments.create", { method: "POST", input });
    expect(status).toBe(400);
    expect(Object.keys(body.error.data.fieldErrors as object)).toContain(path);
    expect(JSON.stringify(body).length).toBeLessThan(10_000);
  });

  it("deployments.setImage refuses a reference that is not an OCI reference", async () => {
    const { status, body } = await call("deployments.setImage", {
      method: "POST",
      input: { namespace: "default", name: "web", image: "javascript:alert(1)" },
    });
    expect(status).toBe(400);
    expect(body.error.data.fieldErrors).toHaveProperty("image");
  });
});
