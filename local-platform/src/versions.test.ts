import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./env.js";
import {
  ETCD_VERSION,
  HELM_VERSION,
  KUBERNETES_VERSION,
  NATS_CLI_VERSION,
  NATS_SERVER_VERSION,
  TOXIPROXY_VERSION,
} from "./versions.js";

const goMod = (module: string): string =>
  readFileSync(join(REPO_ROOT, "local-platform", "go", module, "go.mod"), "utf8");

describe("versions - pins agree with the Go modules that build them", () => {
  it("kube-apiserver and every replaced staging module use the pinned Kubernetes version", () => {
    const mod = goMod("kube");
    expect(mod).toContain(`k8s.io/kubernetes ${KUBERNETES_VERSION}`);
    const staging = KUBERNETES_VERSION.replace(/^v1\./, "v0.");
    const replaces = [...mod.matchAll(/^\s+k8s\.io\/\S+ => k8s\.io\/\S+ (\S+)$/gm)].map(
      (m) => m[1],
    );
    expect(replaces.length).toBeGreaterThan(25);
    expect(new Set(replaces)).toEqual(new Set([staging]));
  });

  it("etcd is the pinned 3.6 release", () => {
    expect(ETCD_VERSION).toMatch(/^v3\.6\./);
    expect(goMod("etcd")).toContain(`go.etcd.io/etcd/server/v3 ${ETCD_VERSION}`);
  });

  it("helm is the pinned release", () => {
    expect(goMod("helm")).toContain(`helm.sh/helm/v4 ${HELM_VERSION}`);
  });

  it("toxiproxy is the pinned release", () => {
    expect(goMod("toxiproxy")).toContain(`github.com/Shopify/toxiproxy/v2 ${TOXIPROXY_VERSION}`);
  });

  it("nats-server (>= 2.10) and the nats CLI are the pinned releases", () => {
    const mod = goMod("nats");
    expect(mod).toContain(`github.com/nats-io/nats-server/v2 ${NATS_SERVER_VERSION}`);
    expect(mod).toContain(`github.com/nats-io/natscli ${NATS_CLI_VERSION}`);
    const [, minor] = NATS_SERVER_VERSION.split(".");
    expect(Number(minor)).toBeGreaterThanOrEqual(10);
  });
});
