// kube-apiserver on 127.0.0.1 with RBAC, static user tokens and service-account
// signing (so TokenRequest works). It generates its own self-signed serving
// certificate in --cert-dir; the kubeconfig trusts exactly that bundle.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { probe } from "../http-probe.js";
import { ensureIdentities, identityFiles, readIdentities } from "../kube-identities.js";
import { readServingCa, writeKubeconfig } from "../kubeconfig.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";

export const kubeApiserver: Component = {
  name: "kube-apiserver",
  describe: (layout) => `https://127.0.0.1:${layout.ports.kube} (kubeconfig ${layout.kubeconfig})`,
  ports: (layout) => ({ FLEET_KUBE_PORT: layout.ports.kube }),
  async start({ layout }) {
    await ensureIdentities(layout);
    const files = identityFiles(layout);
    await mkdir(files.certDir, { recursive: true, mode: 0o700 });
    await startProcess(layout, "kube-apiserver", join(layout.binDir, "kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${layout.ports.etcd}`,
      `--cert-dir=${files.certDir}`,
      `--secure-port=${layout.ports.kube}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      "--service-cluster-ip-range=10.0.0.0/24",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${files.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${files.serviceAccountPrivateKey}`,
      `--token-auth-file=${files.tokenCsv}`,
      "--authorization-mode=RBAC",
      // No controller-manager runs, so nothing would create the tokens this plugin expects.
      "--disable-admission-plugins=ServiceAccount",
      "--allow-privileged=false",
      "--v=0",
    ]);
  },
  async waitReady({ layout }) {
    const hint = `see ${logFile(layout, "kube-apiserver")}`;
    const certFile = join(identityFiles(layout).certDir, "apiserver.crt");
    await waitUntil(() => Promise.resolve(existsSync(certFile)), {
      what: "kube-apiserver certificate",
      timeoutMs: 60_000,
      hint,
    });
    const identities = await readIdentities(layout);
    const ca = await readServingCa(layout);
    await waitUntil(
      async () => {
        const res = await probe({
          url: `https://127.0.0.1:${layout.ports.kube}/readyz`,
          ca,
          bearerToken: identities.tokens.admin,
        });
        return res.status === 200 && res.body.trim() === "ok";
      },
      { what: "kube-apiserver /readyz", timeoutMs: 120_000, hint },
    );
    await writeKubeconfig(layout, identities);
  },
};
