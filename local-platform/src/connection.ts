// How clients reach the running platform: the values `env` exports and that
// tests, the demo and the apps use. Derived from the layout, never guessed.
import { join } from "node:path";
import { dashboardOrigins, idpCaFile, idpIssuer } from "./components/oidc-idp.js";
import { adminKeyFile, LOCAL_FLEET_PROJECT_ID } from "./idp/platform-admin.js";
import { DASHBOARD_CLIENT_ID, readIdpSecrets, type IdpSecrets } from "./idp/users.js";
import { readIdentities, type KubeIdentities } from "./kube-identities.js";
import { natsSecretFiles, type NatsSecretFiles } from "./nats-secrets.js";
import type { Layout } from "./layout.js";
import { natsNodes } from "./nats-nodes.js";
import { containersConfOverride } from "./podman-config.js";

/** One nats-server of the platform: the single one, or a node of its JetStream cluster. */
export interface NatsNodeConnection {
  /** Its process name, for stopServer/startServer/killServer: `nats-server` or `nats-server-<n>`. */
  name: string;
  /** Its server_name, as JetStream names stream leaders and replicas. */
  serverName: string;
  url: string;
  websocketUrl: string;
  monitorUrl: string;
}

/** How clients reach the platform's NATS (the part of PlatformConnection a NATS-only platform has). */
export interface PlatformNatsConnection {
  /** Node 1's client URL. */
  natsUrl: string;
  /** Every node's client URL: what clients are given (one unless FLEET_NATS_CLUSTER). */
  natsUrls: string[];
  /** Node 1's websocket URL. */
  natsWebsocketUrl: string;
  natsWebsocketUrls: string[];
  /** Node 1's monitoring URL; each node's is in natsNodes. */
  natsMonitorUrl: string;
  natsNodes: NatsNodeConnection[];
  /** NATS credentials and keys (files, 0600): the platform admin's (tests, tools), each service's. */
  natsSecrets: NatsSecretFiles;
}

export interface PlatformConnection extends PlatformNatsConnection {
  kubeconfig: string;
  kubeApiUrl: string;
  podmanSocket: string;
  /** Set where podman on this machine needs the project's containers.conf. */
  containersConf: string | undefined;
  binDir: string;
  tokens: KubeIdentities["tokens"];
  oidc: {
    /** https; its certificate is from the platform CA. */
    issuer: string;
    /** The platform CA (PEM) that clients trust for the issuer. */
    caFile: string;
    clientId: string;
    clientSecret: string;
    dashboardOrigin: string;
    /** Demo users' passwords (alice: deployer, bob: viewer). */
    passwords: IdpSecrets["passwords"];
    /** The fleet project's id: device access tokens carry it in their audience. */
    projectId: string;
    /** Key file (Zitadel format, 0600) of the IdP's admin machine user, which provisions devices. */
    adminKeyFile: string;
  };
}

async function oidcConnection(layout: Layout): Promise<PlatformConnection["oidc"]> {
  const secrets = await readIdpSecrets(layout.idpDir);
  return {
    issuer: idpIssuer(layout),
    caFile: idpCaFile(layout),
    clientId: DASHBOARD_CLIENT_ID,
    clientSecret: secrets.clientSecret,
    dashboardOrigin: dashboardOrigins(layout)[0] ?? "",
    passwords: secrets.passwords,
    projectId: LOCAL_FLEET_PROJECT_ID,
    adminKeyFile: adminKeyFile(layout.idpDir),
  };
}

export function natsConnectionFor(layout: Layout): PlatformNatsConnection {
  const nodes = natsNodes(layout).map((node) => ({
    name: node.name,
    serverName: node.serverName,
    url: `nats://127.0.0.1:${String(node.ports.client)}`,
    websocketUrl: `ws://127.0.0.1:${String(node.ports.websocket)}`,
    monitorUrl: `http://127.0.0.1:${String(node.ports.monitor)}`,
  }));
  const [first] = nodes;
  if (first === undefined) throw new Error("the platform has no nats-server");
  return {
    natsUrl: first.url,
    natsUrls: nodes.map((node) => node.url),
    natsWebsocketUrl: first.websocketUrl,
    natsWebsocketUrls: nodes.map((node) => node.websocketUrl),
    natsMonitorUrl: first.monitorUrl,
    natsNodes: nodes,
    natsSecrets: natsSecretFiles(layout),
  };
}

export async function connectionFor(layout: Layout): Promise<PlatformConnection> {
  return {
    kubeconfig: layout.kubeconfig,
    kubeApiUrl: `https://127.0.0.1:${layout.ports.kube}`,
    ...natsConnectionFor(layout),
    podmanSocket: layout.podmanSocket,
    containersConf: containersConfOverride(layout),
    binDir: layout.binDir,
    tokens: (await readIdentities(layout)).tokens,
    oidc: await oidcConnection(layout),
  };
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** `export` lines for `eval "$(npm run -s platform -- env)"`. */
export function exportLines(connection: PlatformConnection): string {
  const vars: [string, string][] = [
    ["KUBECONFIG", connection.kubeconfig],
    // Every node of a cluster, comma-separated (every client here reads such a list).
    ["NATS_URL", connection.natsUrls.join(",")],
    ["NATS_WS_URL", connection.natsWebsocketUrls.join(",")],
    ["NATS_MONITOR_URL", connection.natsMonitorUrl],
    // The nats CLI reads NATS_CREDS: the platform admin, as KUBECONFIG is the kube admin.
    ["NATS_CREDS", connection.natsSecrets.adminCreds],
    ["NATS_OPERATOR_CREDENTIALS_FILE", connection.natsSecrets.operatorCreds],
    ["NATS_DASHBOARD_CREDENTIALS_FILE", connection.natsSecrets.dashboardCreds],
    // Paths only. The dashboard signs browser tickets; iot-identity (docs/identity.md)
    // checks them with the public key and answers the auth callout with the callout's keys.
    ["LIVE_TICKET_KEY_FILE", connection.natsSecrets.browserTicketKey],
    ["BROWSER_TICKET_PUBLIC_KEY_FILE", connection.natsSecrets.browserTicketPublicKey],
    ["NATS_CALLOUT_ISSUER_SEED_FILE", connection.natsSecrets.calloutIssuerSeed],
    ["NATS_CALLOUT_XKEY_SEED_FILE", connection.natsSecrets.calloutXkeySeed],
    ["NATS_CALLOUT_CREDENTIALS_FILE", connection.natsSecrets.calloutCreds],
    ["NATS_SYSTEM_CREDENTIALS_FILE", connection.natsSecrets.systemCreds],
    ["PODMAN_SOCKET", connection.podmanSocket],
    ["OIDC_ISSUER", connection.oidc.issuer],
    ["OIDC_CA_FILE", connection.oidc.caFile],
    ["OIDC_CLIENT_ID", connection.oidc.clientId],
    ["OIDC_CLIENT_SECRET", connection.oidc.clientSecret],
    // For `iot-operator device …`: the project devices authenticate for, the IdP admin's key (0600).
    ["ZITADEL_PROJECT_ID", connection.oidc.projectId],
    ["ZITADEL_ADMIN_KEY_FILE", connection.oidc.adminKeyFile],
  ];
  if (connection.containersConf) vars.push(["CONTAINERS_CONF", connection.containersConf]);
  const lines = vars.map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  lines.push(`export PATH=${shellQuote(connection.binDir)}:"$PATH"`);
  return `${lines.join("\n")}\n`;
}

export const kubectlPath = (connection: PlatformConnection): string =>
  join(connection.binDir, "kubectl");
