// The local OIDC IdP (oidc-provider with Zitadel-shaped role claims) that the
// demo and the end-to-end tests sign in with; Zitadel itself cannot run here.
// It also speaks Zitadel's machine-user protocol (JWT-profile grant, management
// API subset); its admin machine user's key file appears in its state folder
// before it answers discovery, so waitReady covers both.
// It serves HTTPS with a certificate from the platform CA: kube-apiserver
// authenticates its ID tokens and accepts only an https issuer.
import { join } from "node:path";
import { caFiles, ensureServerCertificate, readCaCertificate } from "../ca.js";
import { REPO_ROOT } from "../env.js";
import { probe } from "../http-probe.js";
import { ensureIdpSecrets } from "../idp/users.js";
import type { Layout } from "../layout.js";
import { logFile, startProcess } from "../processes.js";
import { waitUntil } from "../wait.js";
import type { Component } from "./component.js";

export const idpIssuer = (layout: Layout): string => `https://127.0.0.1:${layout.ports.idp}`;

/** The PEM file clients trust for the IdP's certificate (the platform CA). */
export const idpCaFile = (layout: Layout): string => caFiles(layout).cert;

const idpTlsDir = (layout: Layout): string => join(layout.idpDir, "tls");

export function dashboardOrigins(layout: Layout): string[] {
  return [`http://localhost:${layout.ports.web}`, `http://127.0.0.1:${layout.ports.web}`];
}

export const oidcIdp: Component = {
  name: "oidc-idp",
  describe: (layout) =>
    `${idpIssuer(layout)} (clients may return to ${dashboardOrigins(layout).join(", ")})`,
  ports: (layout) => ({ FLEET_IDP_PORT: layout.ports.idp }),
  async start({ layout }) {
    await ensureIdpSecrets(layout.idpDir);
    const tls = await ensureServerCertificate(layout, {
      dir: idpTlsDir(layout),
      subject: "fleet local IdP",
      hosts: ["127.0.0.1", "localhost"],
    });
    // Run on this same Node with tsx's loader; cwd is the repo so `tsx` resolves.
    await startProcess(
      layout,
      "oidc-idp",
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "local-platform", "src", "idp", "server.ts"),
        "--port",
        String(layout.ports.idp),
        "--state-dir",
        layout.idpDir,
        "--tls-cert",
        tls.cert,
        "--tls-key",
        tls.key,
        "--dashboard-origin",
        ...dashboardOrigins(layout),
      ],
      { cwd: REPO_ROOT },
    );
  },
  async waitReady({ layout }) {
    const ca = await readCaCertificate(layout);
    await waitUntil(
      async () =>
        (await probe({ url: `${idpIssuer(layout)}/.well-known/openid-configuration`, ca }))
          .status === 200,
      { what: "OIDC IdP", timeoutMs: 30_000, hint: `see ${logFile(layout, "oidc-idp")}` },
    );
  },
};
