// Writes desired-state entries, one per (deployment, device), only when the
// bytes change, and removes those of devices no longer placed. During a staged
// rollout devices of one deployment hold different revisions, so the entry is
// chosen per device. It remembers what it wrote (a ledger per deployment:
// device -> revision written), so a device change costs one put or delete, a
// batch costs one put per device that moves, and nothing is read on the way.
// The ledger is filled from the bucket by one streaming read per deployment
// when it is unknown (start, NATS reconnect, periodic resync): never one get
// per key.
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

/** The CR whose entries are written (its uid tells a new CR under an old name). */
export interface DeploymentRef {
  namespace: string;
  name: string;
  uid: string;
}

/** One revision's entry, the same bytes on every device that holds it. */
export interface DesiredEntry {
  revision: number;
  payload: Uint8Array;
}

/** Marks an entry present in the bucket whose bytes are none of the known revisions'. */
const STALE = -1;

interface Ledger {
  uid: string;
  /** Device -> revision whose bytes its entry holds (STALE if other bytes); absent = no entry. */
  marks: Map<string, number>;
}

const PARALLEL_KV_OPS = 64;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
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
   * KV history consumer filtered to its keys) and records which revision of
   * `entries` each holds (byte for byte); replaces what was known.
   */
  async refresh(deployment: DeploymentRef, entries: Iterable<DesiredEntry>): Promise<void> {
    const { namespace, name } = deployment;
    const known = [...entries];
    const marks = new Map<string, number>();
    const history = await this.#kv().history({ key: deploymentDesiredStateFilter(deployment) });
    for await (const stored of history) {
      const { device } = parseDesiredStateKey(stored.key);
      // The bucket keeps one revision per key: a delete marker means no entry.
      if (stored.operation !== "PUT") marks.delete(device);
      else {
        const held = known.find((entry) => sameBytes(stored.value, entry.payload));
        marks.set(device, held?.revision ?? STALE);
      }
    }
    this.#ledgers.set(`${namespace}/${name}`, { uid: deployment.uid, marks });
  }

  /**
   * The revision whose entry the device holds, as far as the writer knows;
   * undefined when it has none or holds bytes of no known revision.
   */
  held(namespace: string, name: string, device: string): number | undefined {
    const mark = this.#ledgers.get(`${namespace}/${name}`)?.marks.get(device);
    return mark === undefined || mark === STALE ? undefined : mark;
  }

  /** Devices that have an entry of this deployment, as far as the writer knows. */
  devicesWithEntries(namespace: string, name: string): Iterable<string> {
    return this.#ledgers.get(`${namespace}/${name}`)?.marks.keys() ?? [];
  }

  /**
   * Makes the bucket match for these devices: a device gets the entry
   * `entryOf` names unless it is known to hold that revision already; a device
   * for which it names none loses its entry if it has one. Only the affected
   * keys are touched; nothing is read.
   */
  async apply(
    deployment: DeploymentRef,
    devices: Iterable<string>,
    entryOf: (device: string) => DesiredEntry | undefined,
  ): Promise<SyncResult> {
    const { namespace, name } = deployment;
    const id = `${namespace}/${name}`;
    let ledger = this.#ledgers.get(id);
    if (ledger?.uid !== deployment.uid) {
      // A new CR under an old name: what its predecessor wrote is stale, not gone.
      const marks = new Map<string, number>();
      for (const device of ledger?.marks.keys() ?? []) marks.set(device, STALE);
      ledger = { uid: deployment.uid, marks };
      this.#ledgers.set(id, ledger);
    }
    const { marks } = ledger;
    const puts: [string, DesiredEntry][] = [];
    const deletes: string[] = [];
    const result: SyncResult = { written: 0, unchanged: 0, removed: 0 };
    for (const device of devices) {
      const mark = marks.get(device);
      const entry = entryOf(device);
      if (entry !== undefined) {
        if (mark === entry.revision) result.unchanged++;
        else puts.push([device, entry]);
      } else if (mark !== undefined) deletes.push(device);
    }
    await forEachLimited(puts, PARALLEL_KV_OPS, async ([device, entry]) => {
      this.#guard();
      await this.#kv().put(desiredStateKey({ device, namespace, name }), entry.payload);
      marks.set(device, entry.revision);
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
