// kube-apiserver on 127.0.0.1 with RBAC, static user tokens, service-account
// signing (so TokenRequest works) and a JWT authenticator for the local IdP's
// ID tokens (users become `oidc:<name>` in their roles' groups). It generates
// its own self-signed serving certificate in --cert-dir; the kubeconfig trusts
// exactly that bundle.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAuthenticationConfig } from "../authentication-config.js";
import { ensurePlatformCa } from "../ca.js";
import { probe } from "../http-probe.js";
import { DASHBOARD_CLIENT_ID } from "../idp/users.js";
import { ensureIdentities, identityFiles, readIdentities } from "../kube-identities.js";
import { readServingCa, writeKubeconfig } from "../kubeconfig.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";
import { idpIssuer } from "./oidc-idp.js";

export const kubeApiserver: Component = {
  name: "kube-apiserver",
  describe: (layout) => `https://127.0.0.1:${layout.ports.kube} (kubeconfig ${layout.kubeconfig})`,
  ports: (layout) => ({ FLEET_KUBE_PORT: layout.ports.kube }),
  async start({ layout }) {
    await ensureIdentities(layout);
    const files = identityFiles(layout);
    await mkdir(files.certDir, { recursive: true, mode: 0o700 });
    // The authenticator fetches the IdP's discovery document at start-up (then every
    // 10 s until it succeeds), so the IdP component starts first (components/index.ts).
    const authenticationConfig = await writeAuthenticationConfig(layout, {
      issuer: idpIssuer(layout),
      clientId: DASHBOARD_CLIENT_ID,
      certificateAuthority: await readFile((await ensurePlatformCa(layout)).cert, "utf8"),
    });
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
      `--authentication-config=${authenticationConfig}`,
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
