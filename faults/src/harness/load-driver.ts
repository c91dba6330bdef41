// The load of a fault scenario: Deployments applied, upgraded and deleted
// through the real API server, as a deployer (or a GitOps tool) would, each
// call retried until the API server accepts it (it may be restarting: that
// is a fault under test). What it last got accepted is the expectation that
// expectConsistent() holds the whole system to: no accepted write may be lost.
import { deploymentManifest } from "@fleet/contracts";
import type { DeploymentClient } from "@fleet/kube";
import { waitUntil } from "@fleet/local-platform/testing";
import { specOf, type DeploymentPlan } from "./workload.js";

/** Server-side apply's field manager: the driver owns the spec it applies. */
const FIELD_MANAGER = "fleet-fault-load";
/** How long one call may be retried: an API server restart takes a few seconds. */
const RETRY_MS = 90_000;

export class LoadDriver {
  /** Name -> the plan last accepted; undefined once deleted. */
  readonly #expected = new Map<string, DeploymentPlan | undefined>();
  /** Calls the API server accepted (retries not counted). */
  accepted = 0;

  constructor(
    private readonly deployments: DeploymentClient,
    readonly namespace: string,
  ) {}

  /** Creates or changes the Deployment to `plan` (server-side apply; idempotent, so a retry is safe). */
  async apply(name: string, plan: DeploymentPlan): Promise<void> {
    const manifest = deploymentManifest({ namespace: this.namespace, name, spec: specOf(plan) });
    await retried(`apply ${this.namespace}/${name}`, () =>
      this.deployments.apply(manifest, FIELD_MANAGER),
    );
    this.#expected.set(name, plan);
    this.accepted++;
  }

  /** The next version of a live Deployment (a new revision: new image and env). */
  async upgrade(name: string, changes: Partial<DeploymentPlan> = {}): Promise<DeploymentPlan> {
    const current = this.#expected.get(name);
    if (current === undefined)
      throw new Error(`${name} was not applied by this driver (or is deleted)`);
    const next = { ...current, version: current.version + 1, ...changes };
    await this.apply(name, next);
    return next;
  }

  async remove(name: string): Promise<void> {
    await retried(`delete ${this.namespace}/${name}`, () =>
      this.deployments.deleteIfPresent(this.namespace, name),
    );
    this.#expected.set(name, undefined);
    this.accepted++;
  }

  /** Applies every plan at once, as a burst; resolves when the API server accepted them all. */
  async burst(plans: ReadonlyMap<string, DeploymentPlan>): Promise<void> {
    await Promise.all([...plans].map(([name, plan]) => this.apply(name, plan)));
  }

  /**
   * Upgrades `names` one after the other, round robin, each awaited, until
   * stopped: steady write load while a fault happens. stop() resolves with
   * how many upgrades were accepted.
   */
  churn(names: readonly string[]): { stop(): Promise<number> } {
    const stopped = new AbortController();
    let upgrades = 0;
    const loop = (async () => {
      for (let i = 0; !stopped.signal.aborted; i++) {
        const name = names[i % names.length];
        if (name === undefined) return;
        await this.upgrade(name);
        upgrades++;
      }
    })();
    return {
      async stop() {
        stopped.abort();
        await loop;
        return upgrades;
      },
    };
  }

  /** Every Deployment the driver touched: its last accepted plan, or undefined if deleted. */
  expected(): ReadonlyMap<string, DeploymentPlan | undefined> {
    return this.#expected;
  }

  plan(name: string): DeploymentPlan | undefined {
    return this.#expected.get(name);
  }
}

async function retried(what: string, call: () => Promise<unknown>): Promise<void> {
  await waitUntil(
    async () => {
      await call();
      return true;
    },
    { what, timeoutMs: RETRY_MS, intervalMs: 250 },
  );
}
