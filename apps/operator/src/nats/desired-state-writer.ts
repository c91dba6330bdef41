// Writes one CR's desired state: one entry per target device, only when the
// bytes change, and removes the entries of devices no longer targeted.
import {
  deploymentDesiredStateFilter,
  desiredStateKey,
  encodeDesiredState,
  parseDesiredStateKey,
  type DeploymentResource,
} from "@fleet/contracts";
import type { KV } from "@nats-io/kv";
import { forEachLimited } from "../concurrency.js";
import { LeadershipLostError } from "../errors.js";
import type { Metrics } from "../metrics.js";

export interface SyncResult {
  written: number;
  unchanged: number;
  removed: number;
}

const PARALLEL_KV_OPS = 64;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

async function collect(iterator: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterator) keys.push(key);
  return keys;
}

export class DesiredStateWriter {
  readonly #kv: () => KV;
  readonly #metrics: Metrics;
  readonly #canWrite: () => boolean;

  /** `kv` is a getter: the bucket handle is replaced when NATS comes back. */
  constructor(kv: () => KV, metrics: Metrics, canWrite: () => boolean) {
    this.#kv = kv;
    this.#metrics = metrics;
    this.#canWrite = canWrite;
  }

  async sync(cr: DeploymentResource): Promise<SyncResult> {
    const { namespace, name, uid, generation } = cr.metadata;
    const payload = encodeDesiredState({
      schemaVersion: 1,
      deployment: { namespace, name, uid: uid ?? "", generation: generation ?? 0 },
      score: cr.spec.score,
    });
    const wanted = new Set(
      cr.spec.targetDevices.map((device) => desiredStateKey({ device, namespace, name })),
    );
    const result: SyncResult = { written: 0, unchanged: 0, removed: 0 };
    await forEachLimited([...wanted], PARALLEL_KV_OPS, async (key) => {
      const current = await this.#kv().get(key);
      if (current?.operation === "PUT" && sameBytes(current.value, payload)) {
        result.unchanged++;
        return;
      }
      this.#guard();
      await this.#kv().put(key, payload);
      this.#metrics.kvWrites.inc({ op: "put" });
      result.written++;
    });
    const stale = (await this.keysOf(namespace, name)).filter((key) => !wanted.has(key));
    result.removed = await this.#remove(stale);
    return result;
  }

  /** Removes every entry of the CR (on delete); returns how many there were. */
  async removeAll(namespace: string, name: string): Promise<number> {
    return this.#remove(await this.keysOf(namespace, name));
  }

  /** The CR's keys currently in the bucket, on any device. */
  async keysOf(namespace: string, name: string): Promise<string[]> {
    return collect(await this.#kv().keys(deploymentDesiredStateFilter({ namespace, name })));
  }

  /** Every `<namespace>/<name>` that has entries, with its keys (for orphan clean-up). */
  async allDeployments(): Promise<Map<string, string[]>> {
    const byDeployment = new Map<string, string[]>();
    for (const key of await collect(await this.#kv().keys())) {
      const { namespace, name } = parseDesiredStateKey(key);
      const id = `${namespace}/${name}`;
      byDeployment.set(id, [...(byDeployment.get(id) ?? []), key]);
    }
    return byDeployment;
  }

  async removeKeys(keys: readonly string[]): Promise<number> {
    return this.#remove(keys);
  }

  async #remove(keys: readonly string[]): Promise<number> {
    await forEachLimited(keys, PARALLEL_KV_OPS, async (key) => {
      this.#guard();
      await this.#kv().delete(key);
      this.#metrics.kvWrites.inc({ op: "delete" });
    });
    return keys.length;
  }

  #guard(): void {
    if (!this.#canWrite()) throw new LeadershipLostError("not the leader: refusing to write KV");
  }
}
