#!/usr/bin/env -S npx tsx
// `npm run rbac:apply -w @fleet/web [-- --context <name>]`: applies the dashboard's
// ClusterRoles and bindings with the current kubeconfig (KUBECONFIG or ~/.kube/config).
import { KubeConfig } from "@kubernetes/client-node";
import { parseArgs } from "node:util";
import { applyDashboardRbac } from "./apply";
import { dashboardRbacObjects } from "./rbac";

const { values } = parseArgs({ options: { context: { type: "string" } } });
const kc = new KubeConfig();
kc.loadFromDefault();
if (values.context) kc.setCurrentContext(values.context);
await applyDashboardRbac(kc);
for (const object of dashboardRbacObjects()) {
  console.log(`applied ${object.kind}/${object.metadata?.name ?? ""}`);
}
