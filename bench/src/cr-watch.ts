// The latest status of every CR in a namespace, from one watch stream (no
// polling), with waiters for a condition on one CR.
import type { DeploymentStatus } from "@fleet/contracts";
import type { Cluster, StoredDeployment } from "./cluster.js";
import { PartError } from "./errors.js";

type Aggregate = NonNullable<DeploymentStatus["aggregate"]>;

interface Waiter {
  name: string;
  test: (aggregate: Aggregate | undefined) => boolean;
  resolve: (at: number) => void;
}

export class CrWatch {
  readonly latest = new Map<string, StoredDeployment>();
  /** resourceVersion changes seen per CR (each is one write: spec, finalizer or status). */
  readonly versions = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  #stop: () => void = () => undefined;

  static async open(cluster: Cluster, namespace: string): Promise<CrWatch> {
    const watch = new CrWatch();
    watch.#stop = await cluster.watch(namespace, (type, object) => {
      const at = performance.now();
      const name = object.metadata.name;
      if (type === "DELETED") watch.latest.delete(name);
      else watch.latest.set(name, object);
      watch.versions.set(name, (watch.versions.get(name) ?? 0) + 1);
      for (const waiter of watch.#waiters) {
        if (waiter.name === name && waiter.test(object.status?.aggregate)) waiter.resolve(at);
      }
    });
    return watch;
  }

  aggregate(name: string): Aggregate | undefined {
    return this.latest.get(name)?.status?.aggregate;
  }

  /** Resolves with the time (performance.now) of the event that satisfied `test`. */
  until(
    name: string,
    test: (aggregate: Aggregate | undefined) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<number> {
    if (test(this.aggregate(name))) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new PartError(`${name}: not ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        name,
        test,
        resolve: (at) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(at);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#stop();
  }
}
