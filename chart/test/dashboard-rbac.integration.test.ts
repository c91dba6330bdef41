// The chart's dashboard RBAC against the real API server, through the
// dashboard's ServiceAccount token as a pod would hold it: it may impersonate
// the signed-in user with their role's group and do nothing with Deployment CRs
// by itself; as a viewer it may only read CRs, as a deployer also write them.
// `kubectl auth can-i --as` is answered by the API server's authorizer, after
// it checked that the token may impersonate.
import { API_GROUP, PLURAL } from "@fleet/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterHelmOk, connectCluster, createNamespace, runId, type Cluster } from "./cluster.js";
import { DASHBOARD_VALUES } from "./dashboard-values.js";
import { ROLE_GROUPS } from "./expected.js";
import { CHART_DIR, runTool } from "./helm.js";
import { actAsServiceAccount, type ServiceAccountIdentity } from "./service-account.js";

const release = `dash-${runId}`;
const CRS = `${PLURAL}.${API_GROUP}`;
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

/** The API server's answer for the dashboard's token, acting as `as` when given. */
async function canI(verb: string, resource: string, ask: Ask = {}): Promise<boolean> {
  const { as, subresource } = ask;
  const result = await runTool("kubectl", [
    ...["auth", "can-i", verb, resource, "--namespace", namespace],
    ...(subresource === undefined ? [] : ["--subresource", subresource]),
    ...(as === undefined ? [] : ["--as", as.user, "--as-group", as.group]),
    ...["--kubeconfig", sa.kubeconfigFile],
  ]);
  const answer = result.stdout.trim();
  // Anything but yes/no is an error, e.g. the token may not impersonate.
  if (answer !== "yes" && answer !== "no") throw new Error(`kubectl auth can-i: ${result.all}`);
  return answer === "yes";
}

async function answers(verbs: string[], as?: Identity): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    verbs.map(async (v) => [v, await canI(v, CRS, as === undefined ? {} : { as })] as const),
  );
  return Object.fromEntries(entries);
}

const all = (verbs: string[], value: boolean): Record<string, boolean> =>
  Object.fromEntries(verbs.map((v) => [v, value]));

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
  it("dashboard-rbac - the ServiceAccount may impersonate users and groups, and nothing on CRs itself", async () => {
    expect(await canI("impersonate", "users")).toBe(true);
    expect(await canI("impersonate", "groups")).toBe(true);
    expect(await answers([...READ, ...WRITE])).toStrictEqual(all([...READ, ...WRITE], false));
    expect(await canI("get", "secrets")).toBe(false);
  });

  it("dashboard-rbac - impersonated as a viewer it may read CRs and their status, not write them", async () => {
    const viewer = { user: `viewer-${runId}`, group: ROLE_GROUPS.viewer };
    expect(await answers([...READ, ...WRITE], viewer)).toStrictEqual({
      ...all(READ, true),
      ...all(WRITE, false),
    });
    expect(await canI("get", CRS, { as: viewer, subresource: "status" })).toBe(true);
    expect(await canI("patch", CRS, { as: viewer, subresource: "status" })).toBe(false);
  });

  it("dashboard-rbac - impersonated as a deployer it may also create, update, patch and delete", async () => {
    const deployer = { user: `deployer-${runId}`, group: ROLE_GROUPS.deployer };
    expect(await answers([...READ, ...WRITE], deployer)).toStrictEqual(
      all([...READ, ...WRITE], true),
    );
  });

  it("dashboard-rbac - a user in no fleet group gets nothing", async () => {
    const stranger = { user: `stranger-${runId}`, group: "fleet:strangers" };
    expect(await answers([...READ, ...WRITE], stranger)).toStrictEqual(
      all([...READ, ...WRITE], false),
    );
  });
});
