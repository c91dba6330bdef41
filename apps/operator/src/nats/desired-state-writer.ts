// Writes desired-state entries, one per (deployment, device), only when the
// bytes change, and removes those of devices no longer placed. It remembers
// what it wrote (a ledger per deployment: device -> generation written), so a
// device change costs one put or delete and a spec change no reads at all. The
// ledger is filled from the bucket by one streaming read per deployment when
// it is unknown (start, NATS reconnect, periodic resync): never one get per key.
import {
  deploymentDesiredStateFilter,
  desiredStateKey,
  parseDesiredStateKey,
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

/** One deployment's entry as it should be on every device it is placed on. */
export interface DesiredEntry {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  payload: Uint8Array;
}

/** Marks an entry present in the bucket whose bytes are not this generation's. */
const STALE = -1;

interface Ledger {
  uid: string;
  /** Device -> generation whose bytes its entry holds (STALE if other bytes); absent = no entry. */
  marks: Map<string, number>;
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
  /** By `<namespace>/<name>`. */
  readonly #ledgers = new Map<string, Ledger>();

  /** `kv` is a getter: the bucket handle is replaced when NATS comes back. */
  constructor(kv: () => KV, metrics: Metrics, canWrite: () => boolean) {
    this.#kv = kv;
    this.#metrics = metrics;
    this.#canWrite = canWrite;
  }

  /** True when the writer knows this deployment's entries (read or written since the last reset). */
  knows(namespace: string, name: string, uid: string): boolean {
    return this.#ledgers.get(`${namespace}/${name}`)?.uid === uid;
  }

  /** Forgets every ledger (NATS came back: the bucket may have lost or kept anything). */
  forgetAll(): void {
    this.#ledgers.clear();
  }

  /** Entries kept in the ledgers (a gauge: its memory follows devices x deployments). */
  get size(): number {
    let size = 0;
    for (const ledger of this.#ledgers.values()) size += ledger.marks.size;
    return size;
  }

  /**
   * Reads the deployment's entries on every device in one streaming pass (a
   * KV history consumer filtered to its keys) and records which hold `entry`'s
   * bytes; replaces what was known.
   */
  async refresh(entry: DesiredEntry): Promise<void> {
    const { namespace, name } = entry;
    const marks = new Map<string, number>();
    const history = await this.#kv().history({ key: deploymentDesiredStateFilter(entry) });
    for await (const stored of history) {
      const { device } = parseDesiredStateKey(stored.key);
      // The bucket keeps one revision per key: a delete marker means no entry.
      if (stored.operation !== "PUT") marks.delete(device);
      else marks.set(device, sameBytes(stored.value, entry.payload) ? entry.generation : STALE);
    }
    this.#ledgers.set(`${namespace}/${name}`, { uid: entry.uid, marks });
  }

  /** Devices that have an entry of this deployment, as far as the writer knows. */
  devicesWithEntries(namespace: string, name: string): Iterable<string> {
    return this.#ledgers.get(`${namespace}/${name}`)?.marks.keys() ?? [];
  }

  /**
   * Makes the bucket match for these devices: a placed device gets `entry`
   * unless it is known to hold it already; an unplaced one loses its entry if
   * it has one. Only the affected keys are touched; nothing is read.
   */
  async apply(
    entry: DesiredEntry,
    devices: Iterable<string>,
    placed: (device: string) => boolean,
  ): Promise<SyncResult> {
    const { namespace, name, generation } = entry;
    const id = `${namespace}/${name}`;
    let ledger = this.#ledgers.get(id);
    if (ledger?.uid !== entry.uid) {
      // A new CR under an old name: what its predecessor wrote is stale, not gone.
      const marks = new Map<string, number>();
      for (const device of ledger?.marks.keys() ?? []) marks.set(device, STALE);
      ledger = { uid: entry.uid, marks };
      this.#ledgers.set(id, ledger);
    }
    const { marks } = ledger;
    const puts: string[] = [];
    const deletes: string[] = [];
    const result: SyncResult = { written: 0, unchanged: 0, removed: 0 };
    for (const device of devices) {
      const mark = marks.get(device);
      if (placed(device)) {
        if (mark === generation) result.unchanged++;
        else puts.push(device);
      } else if (mark !== undefined) deletes.push(device);
    }
    await forEachLimited(puts, PARALLEL_KV_OPS, async (device) => {
      this.#guard();
      await this.#kv().put(desiredStateKey({ device, namespace, name }), entry.payload);
      marks.set(device, generation);
      this.#metrics.kvWrites.inc({ op: "put" });
      result.written++;
    });
    await forEachLimited(deletes, PARALLEL_KV_OPS, async (device) => {
      this.#guard();
      await this.#kv().delete(desiredStateKey({ device, namespace, name }));
      marks.delete(device);
      this.#metrics.kvWrites.inc({ op: "delete" });
      result.removed++;
    });
    return result;
  }

  /** Removes every entry of the CR (on delete), known or not; returns how many there were. */
  async removeAll(namespace: string, name: string): Promise<number> {
    const removed = await this.#remove(await this.keysOf(namespace, name));
    this.#ledgers.delete(`${namespace}/${name}`);
    return removed;
  }

  /** The CR's keys currently in the bucket, on any device. */
  async keysOf(namespace: string, name: string): Promise<string[]> {
    return collect(await this.#kv().keys(deploymentDesiredStateFilter({ namespace, name })));
  }

  /** Every `<namespace>/<name>` that has entries, with its keys (for orphan clean-up). */
  async allDeployments(): Promise<Map<string, string[]>> {
    const byDeployment = new Map<string, string[]>();
    for await (const key of await this.#kv().keys()) {
      const { namespace, name } = parseDesiredStateKey(key);
      const id = `${namespace}/${name}`;
      let keys = byDeployment.get(id);
      if (keys === undefined) byDeployment.set(id, (keys = []));
      keys.push(key);
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
