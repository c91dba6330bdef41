// Where the local platform keeps things. Everything lives under one
// gitignored folder, so `rm -rf .local-platform` is a full reset.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { natsClusterSizeSchema, REPO_ROOT, type PlatformEnv } from "./env.js";

export interface Ports {
  etcd: number;
  etcdPeer: number;
  kube: number;
  nats: number;
  natsWebsocket: number;
  natsMonitor: number;
  idp: number;
  web: number;
  toxiproxy: number;
}

export interface Layout {
  root: string;
  /** Built server binaries (the cache); kept across `down`, and may be shared between instances. */
  binDir: string;
  /** Go module folders that pin each server's version. */
  goModulesDir: string;
  runDir: string;
  logDir: string;
  etcdDataDir: string;
  kubeDir: string;
  kubeconfig: string;
  natsDir: string;
  natsConfig: string;
  /** nats-servers in the JetStream cluster; 1 = a single server, no cluster. */
  natsClusterSize: number;
  /** The cluster nodes' JetStream stores (node-<n>), apart from the single server's. */
  natsClusterDir: string;
  /** Whether `up` runs Toxiproxy too (FLEET_TOXIPROXY, or it runs already: `down` stops it then). */
  toxiproxy: boolean;
  podmanDir: string;
  podmanSocket: string;
  imagesDir: string;
  idpDir: string;
  ports: Ports;
}

/** Where `up` records the NATS cluster size it started (`down` removes it). */
export const natsClusterRecord = (root: string): string => join(root, "nats", "cluster.json");

/** The size the last `up` recorded, so `env`, `status` and tests find the nodes it started. */
function recordedNatsClusterSize(root: string): number | undefined {
  try {
    const record = JSON.parse(readFileSync(natsClusterRecord(root), "utf8")) as { size?: unknown };
    const size = natsClusterSizeSchema.safeParse(record.size);
    return size.success ? size.data : undefined;
  } catch {
    return undefined; // none recorded (or unreadable): the default
  }
}

export function layoutFor(env: PlatformEnv): Layout {
  const root = env.FLEET_PLATFORM_DIR;
  return {
    root,
    binDir: env.FLEET_PLATFORM_BIN_DIR,
    goModulesDir: join(REPO_ROOT, "local-platform", "go"),
    runDir: join(root, "run"),
    logDir: join(root, "logs"),
    etcdDataDir: join(root, "data", "etcd"),
    kubeDir: join(root, "kube"),
    kubeconfig: join(root, "kube", "kubeconfig.json"),
    natsDir: join(root, "data", "nats"),
    natsConfig: join(root, "nats", "nats-server.json"),
    natsClusterSize: env.FLEET_NATS_CLUSTER ?? recordedNatsClusterSize(root) ?? 1,
    natsClusterDir: join(root, "data", "nats-cluster"),
    // Its pid record says an earlier `up` started it, so `down` and `status` see it without the env.
    toxiproxy: env.FLEET_TOXIPROXY ?? existsSync(join(root, "run", "toxiproxy.json")),
    podmanDir: join(root, "podman"),
    podmanSocket: join(root, "run", "podman.sock"),
    imagesDir: join(root, "images"),
    idpDir: join(root, "idp"),
    ports: {
      etcd: env.FLEET_ETCD_PORT,
      etcdPeer: env.FLEET_ETCD_PEER_PORT,
      kube: env.FLEET_KUBE_PORT,
      nats: env.FLEET_NATS_PORT,
      natsWebsocket: env.FLEET_NATS_WS_PORT,
      natsMonitor: env.FLEET_NATS_MONITOR_PORT,
      idp: env.FLEET_IDP_PORT ?? env.FLEET_KUBE_PORT + 2647,
      web: env.FLEET_WEB_PORT,
      toxiproxy: env.FLEET_TOXIPROXY_PORT ?? env.FLEET_KUBE_PORT + 2648,
    },
  };
}
