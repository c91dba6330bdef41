// The local OIDC IdP process: `tsx local-platform/src/idp/server.ts --port N ...`.
// Started by the local platform; serves oidc-provider plus its login form over
// HTTPS (a certificate from the platform CA), as kube-apiserver requires of an issuer.
// It also speaks Zitadel's machine-user protocol: the JWT-profile grant on the
// token endpoint and the management API subset under /management/v1.
import { readFileSync } from "node:fs";
import https from "node:https";
import { ZITADEL_API_AUDIENCE } from "@fleet/zitadel";
import { Command } from "commander";
import { AccessTokens } from "./access-tokens.js";
import { handleInteraction } from "./interaction.js";
import { installJwtProfileGrant } from "./jwt-profile-grant.js";
import { MachineUserStore } from "./machine-users.js";
import { handleManagement } from "./management-api.js";
import { ensurePlatformAdmin, LOCAL_FLEET_PROJECT_ID } from "./platform-admin.js";
import { createProvider } from "./provider.js";
import { signingJwks, signingKeyFrom } from "./signing-keys.js";
import { ensureIdpSecrets } from "./users.js";

const options = new Command("fleet-idp")
  .requiredOption("--port <port>", "port to listen on (127.0.0.1)")
  .requiredOption("--state-dir <dir>", "where keys and secrets are kept")
  .requiredOption("--dashboard-origin <origin...>", "dashboard origins allowed as redirect targets")
  .requiredOption("--tls-cert <file>", "serving certificate (PEM) for 127.0.0.1")
  .requiredOption("--tls-key <file>", "its private key (PEM)")
  .parse()
  .opts<{
    port: string;
    stateDir: string;
    dashboardOrigin: string[];
    tlsCert: string;
    tlsKey: string;
  }>();

const issuer = `https://127.0.0.1:${options.port}`;
const secrets = await ensureIdpSecrets(options.stateDir);
const jwks = await signingJwks(options.stateDir);
const provider = createProvider({
  issuer,
  dashboardOrigins: options.dashboardOrigin,
  secrets,
  signingJwks: jwks,
});
const store = await MachineUserStore.open(options.stateDir);
await ensurePlatformAdmin(store, options.stateDir);
const tokens = new AccessTokens(issuer, signingKeyFrom(jwks));
installJwtProfileGrant(provider, {
  issuer,
  store,
  tokens,
  projects: new Set([LOCAL_FLEET_PROJECT_ID, ZITADEL_API_AUDIENCE]),
});
const oidc = provider.callback();

const tls = { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) };
const server = https.createServer(tls, (req, res) => {
  const handle = async (): Promise<boolean> =>
    (await handleManagement({ store, tokens }, req, res)) ||
    handleInteraction(provider, secrets, req, res);
  handle().then(
    (handled) => {
      // Koa answers its own errors; nothing to wait for here.
      if (!handled) void oidc(req, res);
    },
    (error: unknown) => {
      res.statusCode = 500;
      res.end(error instanceof Error ? error.message : "internal error");
    },
  );
});
server.listen(Number(options.port), "127.0.0.1", () => {
  process.stdout.write(`fleet local IdP listening, issuer ${issuer}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
