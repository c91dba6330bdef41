// The operator as production runs it: two replicas on one Lease, a leader and
// a standby. Each is the real operator process (@fleet/operator/testing). A
// replica that exits on its own (a leader that could not renew its lease
// exits, by design) is started again as Kubernetes would restart its pod,
// under a new identity like a new pod; one a test killed stays down until the
// test restarts it.
import { startOperator, type OperatorProcess } from "@fleet/operator/testing";
import { waitUntil } from "@fleet/local-platform/testing";
import { setTimeout as delay } from "node:timers/promises";

export interface OperatorPairOptions {
  namespace: string;
  /** Lease name: unique per world, so worlds never share a leader. */
  lease: string;
  leaseDuration?: string;
  leaseRenewPeriod?: string;
  /** Extra `iot-operator run` flags (heartbeat knobs, replicas). */
  args?: readonly string[];
}

interface Replica {
  slot: string;
  restarts: number;
  process: OperatorProcess;
  /** Killed or stopped by the test: not restarted. */
  downOnPurpose: boolean;
}

const WORLD_START_WAIT_MS = 150_000;

export class OperatorPair {
  readonly #replicas: Replica[] = [];
  #stopping = false;
  /** Unexpected exits that were restarted (a lost lease during an API server outage is one). */
  restarts = 0;

  private constructor(private readonly options: OperatorPairOptions) {}

  /**
   * Starts replica a, waits until it leads, then replica b as its standby.
   * Generous waits: once, right after the previous scenario had restarted the
   * API server, a fresh replica's first Deployment list took over 60 s (the
   * API server's own request timeout) with nothing in either log.
   */
  static async start(options: OperatorPairOptions): Promise<OperatorPair> {
    const pair = new OperatorPair(options);
    await pair.#start("a");
    await pair.leader(WORLD_START_WAIT_MS);
    const b = await pair.#start("b");
    await b.process.waitForState("standby", WORLD_START_WAIT_MS);
    return pair;
  }

  #args(): string[] {
    const { namespace, lease, leaseDuration, leaseRenewPeriod, args = [] } = this.options;
    return [
      "--namespace",
      namespace,
      "--lease-name",
      lease,
      "--lease-duration",
      leaseDuration ?? "6s",
      "--lease-renew-period",
      leaseRenewPeriod ?? "1s",
      ...args,
    ];
  }

  async #start(slot: string, restarts = 0): Promise<Replica> {
    const name = `${this.options.lease}-${slot}${restarts === 0 ? "" : `-r${restarts}`}`;
    const replica: Replica = {
      slot,
      restarts,
      process: await startOperator(name, this.#args()),
      downOnPurpose: false,
    };
    const index = this.#replicas.findIndex((r) => r.slot === slot);
    if (index === -1) this.#replicas.push(replica);
    else this.#replicas[index] = replica;
    void replica.process.child.then(() => {
      if (this.#stopping || replica.downOnPurpose) return;
      this.restarts++;
      // A pause first, as a crash-looping pod gets one (the API server may still be away).
      delay(1_000)
        .then(async () => {
          if (!this.#stopping) await this.#start(slot, restarts + 1);
        })
        .catch((error: unknown) => {
          console.error(`could not restart operator replica ${slot}: ${String(error)}`);
        });
    });
    return replica;
  }

  /** The replicas whose process runs. */
  running(): OperatorProcess[] {
    return this.#replicas.filter((r) => !r.process.exited()).map((r) => r.process);
  }

  /** Waits until one running replica leads; returns it. */
  leader(timeoutMs = 60_000): Promise<OperatorProcess> {
    return this.#inState("leading", timeoutMs);
  }

  /** Waits until one running replica is the standby; returns it. */
  standby(timeoutMs = 60_000): Promise<OperatorProcess> {
    return this.#inState("standby", timeoutMs);
  }

  async #inState(state: string, timeoutMs: number): Promise<OperatorProcess> {
    let found: OperatorProcess | undefined;
    await waitUntil(
      async () => {
        for (const op of this.running()) if ((await op.readiness())?.state === state) found = op;
        return found !== undefined;
      },
      { what: `an operator replica in state ${state}`, timeoutMs },
    );
    if (found === undefined) throw new Error(`no operator replica in state ${state}`);
    return found;
  }

  /** SIGKILLs the leader (a node losing power); it stays down. Returns it and when it died. */
  async killLeader(): Promise<{ killed: OperatorProcess; killedAt: number }> {
    const killed = await this.leader();
    const replica = this.#replicas.find((r) => r.process === killed);
    if (replica !== undefined) replica.downOnPurpose = true;
    const killedAt = performance.now();
    await killed.stop("SIGKILL");
    return { killed, killedAt };
  }

  /** Waits until a replica other than `previous` leads. */
  async newLeader(previous: OperatorProcess, timeoutMs = 60_000): Promise<OperatorProcess> {
    let found: OperatorProcess | undefined;
    await waitUntil(
      async () => {
        for (const op of this.running())
          if (op !== previous && (await op.readiness())?.state === "leading") found = op;
        return found !== undefined;
      },
      { what: `a replica other than ${previous.name} leading`, timeoutMs },
    );
    if (found === undefined) throw new Error("unreachable: no new leader after waiting for one");
    return found;
  }

  /** Starts again, as new pods, the replicas a test killed. */
  async restartKilled(): Promise<void> {
    for (const replica of [...this.#replicas])
      if (replica.downOnPurpose) await this.#start(replica.slot, replica.restarts + 1);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#replicas.map((r) => r.process.stop()));
  }
}
