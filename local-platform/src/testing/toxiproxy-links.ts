// A device's link to NATS through Toxiproxy, for fault tests: one proxy per
// NATS server URL (so the agent can still fail over between nodes through its
// link), and the faults a real uplink has. Give the agent `link.urls` as its
// NATS servers; everything it says to NATS then passes the proxies.
import { Toxiproxy, type Proxy, type Toxic, type ToxicType } from "toxiproxy-node-client";
import { toxiproxyApiUrl } from "../components/toxiproxy.js";
import { readPlatformEnv } from "../env.js";
import { layoutFor } from "../layout.js";
import { freePort } from "../ports.js";

/** The platform's Toxiproxy API (it runs when `up` was asked for it: `--toxiproxy`, the fault suite). */
export function toxiproxyClient(): Toxiproxy {
  return new Toxiproxy(toxiproxyApiUrl(layoutFor(readPlatformEnv())));
}

/** "nats://127.0.0.1:4222" -> "127.0.0.1:4222": Toxiproxy proxies TCP, it knows no schemes. */
export function upstreamOf(natsUrl: string): string {
  const url = new URL(natsUrl);
  if (url.hostname === "" || url.port === "")
    throw new Error(`a NATS URL with a host and a port is needed, got ${natsUrl}`);
  return `${url.hostname}:${url.port}`;
}

export interface DeviceLink {
  /** The proxies' URLs, in the order of the upstreams: the agent's NATS servers. */
  readonly urls: string[];
  /** Cable pulled: every open connection is closed and new ones are refused. */
  cut(): Promise<void>;
  /** The cable back in: new connections pass again. */
  restore(): Promise<void>;
  /** Adds `ms` of latency in each direction (client to server and back). */
  slow(ms: number): Promise<void>;
  /** Half-open: connections stay open (no FIN, no RST) but no byte passes either way. */
  blackhole(): Promise<void>;
  /** Removes every toxic (a blackholed connection is closed by Toxiproxy then). */
  heal(): Promise<void>;
  /** Deletes the proxies. */
  remove(): Promise<void>;
}

const DIRECTIONS = ["upstream", "downstream"] as const;

/** Creates a link named `name` (unique per device) in front of each of `natsUrls`. */
export async function createDeviceLink(name: string, natsUrls: string[]): Promise<DeviceLink> {
  const client = toxiproxyClient();
  const proxies: Proxy[] = [];
  for (const [index, natsUrl] of natsUrls.entries()) {
    proxies.push(
      await client.createProxy({
        name: `${name}-${String(index)}`,
        listen: `127.0.0.1:${String(await freePort())}`,
        upstream: upstreamOf(natsUrl),
      }),
    );
  }
  /** Toxic attributes are numbers (milliseconds) for every kind used here. */
  type Attributes = Record<string, number>;
  const toxics: Toxic<Attributes>[] = [];
  const setEnabled = async (enabled: boolean): Promise<void> => {
    for (const proxy of proxies)
      await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  };
  const addToxics = async (type: ToxicType, attributes: Attributes): Promise<void> => {
    for (const proxy of proxies)
      for (const stream of DIRECTIONS)
        toxics.push(
          await proxy.addToxic<Attributes>({
            name: `${type}-${stream}`,
            type,
            stream,
            toxicity: 1,
            attributes,
          }),
        );
  };
  return {
    urls: proxies.map((proxy) => `nats://${proxy.listen}`),
    cut: () => setEnabled(false),
    restore: () => setEnabled(true),
    slow: (ms) => addToxics("latency", { latency: ms, jitter: 0 }),
    blackhole: () => addToxics("timeout", { timeout: 0 }),
    heal: async () => {
      for (const toxic of toxics.splice(0)) await toxic.remove();
    },
    remove: async () => {
      for (const proxy of proxies) await proxy.remove();
    },
  };
}
