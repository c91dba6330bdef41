// What integration tests across the repo use to reach the local platform that
// the tier's global setup brought up.
import { KubeConfig } from "@kubernetes/client-node";
import { connectionFor, type PlatformConnection } from "../connection.js";
import { readPlatformEnv } from "../env.js";
import { contextName } from "../kubeconfig.js";
import type { KubeUserName } from "../kube-identities.js";
import { layoutFor } from "../layout.js";
import {
  killServer as killServerIn,
  startServer as startServerIn,
  stopServer as stopServerIn,
} from "../platform.js";
import { silentProgress } from "../progress.js";

export type {
  NatsNodeConnection,
  PlatformConnection,
  PlatformNatsConnection,
} from "../connection.js";
export { NGINX_TAGS, KUBERNETES_VERSION } from "../versions.js";
export { nginxImageRef, NGINX_CONTAINER_PORT } from "../nginx-image.js";

export function platformConnection(): Promise<PlatformConnection> {
  return connectionFor(layoutFor(readPlatformEnv()));
}

/** A KubeConfig for the local API server, acting as one of its known users. */
export async function kubeConfigFor(user: KubeUserName = "admin"): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromFile((await platformConnection()).kubeconfig);
  kc.setCurrentContext(contextName(user));
  return kc;
}

/** `nats-server` alone, `nats-server-<n>` for node n of a cluster (FLEET_NATS_CLUSTER; natsNodes). */
export type ServerName =
  | "etcd"
  | "oidc-idp"
  | "kube-apiserver"
  | "nats-server"
  | `nats-server-${number}`
  | "podman-service";

/** Simulates an outage of one server of the running platform (data is kept). */
export async function stopServer(name: ServerName): Promise<void> {
  await stopServerIn(layoutFor(readPlatformEnv()), name);
}

/** Brings a stopped server back and waits until it is ready. */
export async function startServer(name: ServerName): Promise<void> {
  await startServerIn(layoutFor(readPlatformEnv()), name, silentProgress);
}

/** SIGKILLs one server of the running platform, as a crash would (data is kept). */
export async function killServer(name: ServerName): Promise<void> {
  await killServerIn(layoutFor(readPlatformEnv()), name);
}

export async function restartServer(name: ServerName): Promise<void> {
  await stopServer(name);
  await startServer(name);
}

export { statusOf } from "./api-status.js";
export { platformZitadel, type PlatformZitadel } from "./zitadel.js";
export { freePort, isPortFree } from "../ports.js";
export { waitUntil } from "../wait.js";
export { connectionIds, kickConnections, unknownCredentials } from "./nats-connections.js";
export { connectAsAdmin, connectAsOperator, type PlatformNatsOptions } from "../nats-clients.js";
export { startOwnNats, type OwnNats, type OwnNatsOptions } from "./own-nats.js";
export {
  dashboardClient,
  DASHBOARD_SCOPES,
  platformCaFetch,
  signInWithoutBrowser,
  type SignInResult,
} from "../idp/sign-in-without-browser.js";
export {
  createDeviceLink,
  toxiproxyClient,
  upstreamOf,
  type DeviceLink,
} from "./toxiproxy-links.js";
