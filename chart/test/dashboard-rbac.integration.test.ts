// The chart's dashboard RBAC against the real API server. The dashboard's
// ServiceAccount token, as a pod would hold it, may do nothing: not read or
// write Deployment CRs, and above all not impersonate (a compromised dashboard
// asking for system:masters is refused). Users get their rights from the
// groups the API server maps their roles to: as a viewer they may only read
// CRs, as a deployer also write them (asked as the admin with --as/--as-group,
// which the admin may do; the dashboard never does).
import { API_GROUP, DEVICE_PLURAL, ENROLLMENT_TOKEN_PLURAL, PLURAL } from "@fleet/contracts";
import { httpStatusOf } from "@fleet/kube";
import {
  CoreV1Api,
  createConfiguration,
  ServerConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterHelmOk, connectCluster, createNamespace, runId, type Cluster } from "./cluster.js";
import { DASHBOARD_VALUES } from "./dashboard-values.js";
import { ROLE_GROUPS } from "./expected.js";
import { CHART_DIR, runTool } from "./helm.js";
import { actAsServiceAccount, type ServiceAccountIdentity } from "./service-account.js";

const release = `dash-${runId}`;
const CRS = `${PLURAL}.${API_GROUP}`;
const DEVICES = `${DEVICE_PLURAL}.${API_GROUP}`;
const TOKENS = `${ENROLLMENT_TOKEN_PLURAL}.${API_GROUP}`;
const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete"];

let cluster: Cluster;
let namespace: string;
let sa: ServiceAccountIdentity;

interface Identity {
  user: string;
  group: string;
}

interface Ask {
  as?: Identity;
  subresource?: string;
}

/** The API server's answer: for the dashboard's token, or for `as` (asked by the admin). */
async function canI(verb: string, resource: string, ask: Ask = {}): Promise<boolean> {
  const { as, subresource } = ask;
  const result = await runTool("kubectl", [
    ...["auth", "can-i", verb, resource, "--namespace", namespace],
    ...(subresource === undefined ? [] : ["--subresource", subresource]),
    ...(as === undefined
      ? ["--kubeconfig", sa.kubeconfigFile]
      : ["--as", as.user, "--as-group", as.group, "--kubeconfig", cluster.kubeconfigFile]),
  ]);
  const answer = result.stdout.trim();
  if (answer !== "yes" && answer !== "no") throw new Error(`kubectl auth can-i: ${result.all}`);
  return answer === "yes";
}

async function answers(
  verbs: string[],
  as?: Identity,
  resource = CRS,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    verbs.map(async (v) => [v, await canI(v, resource, as === undefined ? {} : { as })] as const),
  );
  return Object.fromEntries(entries);
}

const all = (verbs: string[], value: boolean): Record<string, boolean> =>
  Object.fromEntries(verbs.map((v) => [v, value]));

/** What a compromised dashboard would send: its own token plus impersonation headers. */
class ImpersonatingMasters implements SecurityAuthentication {
  constructor(private readonly kc: KubeConfig) {}

  getName(): string {
    return "impersonate-system-masters";
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kc.applySecurityAuthentication(context);
    context.setHeaderParam("Impersonate-User", "admin");
    context.setHeaderParam("Impersonate-Group", "system:masters");
  }
}

beforeAll(async () => {
  cluster = await connectCluster();
  namespace = await createNamespace(cluster, "chart-dash");
  await clusterHelmOk(
    cluster,
    ["install", release, CHART_DIR, "--namespace", namespace],
    DASHBOARD_VALUES,
  );
  sa = await actAsServiceAccount(cluster.kc, namespace, `${release}-fleet-dashboard`);
});

afterAll(async () => {
  await clusterHelmOk(cluster, ["uninstall", release, "--namespace", namespace]);
});

describe("chart - dashboard RBAC", () => {
  it("dashboard-rbac - the ServiceAccount may not impersonate users or groups, nor touch CRs", async () => {
    expect(await canI("impersonate", "users")).toBe(false);
    expect(await canI("impersonate", "groups")).toBe(false);
    expect(await answers([...READ, ...WRITE])).toStrictEqual(all([...READ, ...WRITE], false));
    expect(await canI("get", "secrets")).toBe(false);
  });

  it("dashboard-rbac - the ServiceAccount asking to act as system:masters is refused (403)", async () => {
    const server = sa.kc.getCurrentCluster()?.server ?? "";
    const api = new CoreV1Api(
      createConfiguration({
        baseServer: new ServerConfiguration(server, {}),
        authMethods: { default: new ImpersonatingMasters(sa.kc) },
      }),
    );
    const status = await api.listNamespace().then(
      () => 200,
      (error: unknown) => httpStatusOf(error) ?? -1,
    );
    expect(status).toBe(403);
  });

  it("dashboard-rbac - a viewer may read CRs and their status, not write them", async () => {
    const viewer = { user: `oidc:viewer-${runId}`, group: ROLE_GROUPS.viewer };
    expect(await answers([...READ, ...WRITE], viewer)).toStrictEqual({
      ...all(READ, true),
      ...all(WRITE, false),
    });
    expect(await canI("get", CRS, { as: viewer, subresource: "status" })).toBe(true);
    expect(await canI("patch", CRS, { as: viewer, subresource: "status" })).toBe(false);
  });

  it("dashboard-rbac - a deployer may also create, update, patch and delete", async () => {
    const deployer = { user: `oidc:deployer-${runId}`, group: ROLE_GROUPS.deployer };
    expect(await answers([...READ, ...WRITE], deployer)).toStrictEqual(
      all([...READ, ...WRITE], true),
    );
  });

  it("dashboard-rbac - devices: a viewer may only read them; a deployer may also create, patch and delete, not replace", async () => {
    const viewer = { user: `oidc:viewer-${runId}`, group: ROLE_GROUPS.viewer };
    const deployer = { user: `oidc:deployer-${runId}`, group: ROLE_GROUPS.deployer };
    expect(await answers([...READ, ...WRITE], viewer, DEVICES)).toStrictEqual({
      ...all(READ, true),
      ...all(WRITE, false),
    });
    expect(await answers([...READ, ...WRITE], deployer, DEVICES)).toStrictEqual({
      ...all([...READ, ...WRITE], true),
      update: false,
    });
    expect(await answers([...READ, ...WRITE], undefined, DEVICES)).toStrictEqual(
      all([...READ, ...WRITE], false),
    );
  });

  it("dashboard-rbac - enrollment tokens: a viewer may only read them; a deployer may also create, revoke (patch) and delete; nobody writes their or a Device's status", async () => {
    const viewer = { user: `oidc:viewer-${runId}`, group: ROLE_GROUPS.viewer };
    const deployer = { user: `oidc:deployer-${runId}`, group: ROLE_GROUPS.deployer };
    expect(await answers([...READ, ...WRITE], viewer, TOKENS)).toStrictEqual({
      ...all(READ, true),
      ...all(WRITE, false),
    });
    expect(await answers([...READ, ...WRITE], deployer, TOKENS)).toStrictEqual({
      ...all([...READ, ...WRITE], true),
      update: false,
    });
    for (const resource of [TOKENS, DEVICES])
      expect(await canI("patch", resource, { as: deployer, subresource: "status" }), resource).toBe(
        false,
      );
    expect(await answers([...READ, ...WRITE], undefined, TOKENS)).toStrictEqual(
      all([...READ, ...WRITE], false),
    );
  });

  it("dashboard-rbac - a user in no fleet group gets nothing", async () => {
    const stranger = { user: `oidc:stranger-${runId}`, group: "fleet:strangers" };
    expect(await answers([...READ, ...WRITE], stranger)).toStrictEqual(
      all([...READ, ...WRITE], false),
    );
  });
});
