// Which deployment is written on which device, kept incrementally:
//   selector deployments -> enrolled, enabled Devices whose labels match;
//   listed deployments   -> the listed ids, minus Devices that are disabled
//                           (an id without a Device CR stays targeted);
//   then, per device, host-port clashes withhold the newer deployment.
// A Device change re-decides only that device; a spec change only the devices
// the deployment wanted before or wants now. Every call returns what flipped,
// so the caller writes just those desired-state keys. No I/O here.
import { matchesSelector, type DeploymentTargeting, type LabelSelector } from "@fleet/contracts";
import type { DeviceSummary } from "./device-summary.js";
import { resolveDevice, type Contender, type Withholding } from "./host-port-clash.js";

export interface DeploymentTargets extends Contender {
  targeting: DeploymentTargeting;
}

/** The Devices the operator knows (the Device watch's cache). */
export interface DeviceLookup {
  get(device: string): DeviceSummary | undefined;
  ids(): Iterable<string>;
}

export interface PlacementChanges {
  /** Deployment -> devices where it was just placed or just removed: write or delete those keys. */
  flipped: Map<string, Set<string>>;
  /** Deployments whose placement or clashes changed: their status must be recomputed. */
  touched: Set<string>;
}

/** A deployment's clashes, for its status (counts and one example, never a list). */
export interface ConflictSummary {
  /** Devices where this deployment is withheld. */
  withheld: number;
  /** One of them, with what withholds it there. */
  example: (Withholding & { device: string }) | undefined;
  /** Newer deployments this one withholds, with how many devices each. */
  blocking: { other: string; devices: number; port: string; device: string }[];
}

interface DeploymentState {
  targets: DeploymentTargets;
  placed: Set<string>;
  /**
   * Changes whenever `placed` changes, so readers can keep what they derived from
   * it. Drawn from one counter for all deployments: a deployment deleted and
   * created again under its key never gets back a version a reader still holds.
   */
  version: number;
  withheld: Map<string, Withholding>;
  /** Newer deployment -> on how many devices this one withholds it. */
  blocking: Map<string, number>;
}

interface DeviceState {
  placed: string[];
  withheld: Map<string, Withholding> | undefined;
}

function sameTargets(a: DeploymentTargets, b: DeploymentTargets): boolean {
  return (
    a.createdAtMs === b.createdAtMs &&
    a.hostPorts.length === b.hostPorts.length &&
    a.hostPorts.every((port, i) => port === b.hostPorts[i]) &&
    JSON.stringify(a.targeting) === JSON.stringify(b.targeting)
  );
}

export class Placement {
  readonly #devices: DeviceLookup;
  readonly #deployments = new Map<string, DeploymentState>();
  /** Selector deployments: every device event checks each of them. */
  readonly #selectors = new Map<string, LabelSelector>();
  /** Listed deployments by device id: a device event checks only those naming it. */
  readonly #listedBy = new Map<string, Set<string>>();
  readonly #onDevice = new Map<string, DeviceState>();
  /** The last version handed out (see DeploymentState.version). */
  #lastVersion = 0;

  constructor(devices: DeviceLookup) {
    this.#devices = devices;
  }

  static noChanges(): PlacementChanges {
    return { flipped: new Map(), touched: new Set() };
  }

  get deploymentCount(): number {
    return this.#deployments.size;
  }

  has(key: string): boolean {
    return this.#deployments.has(key);
  }

  /** Devices where the deployment's entry is (to be) written. */
  placedOf(key: string): ReadonlySet<string> {
    return this.#deployments.get(key)?.placed ?? new Set();
  }

  /** Changes with its placed devices and never repeats for a key (undefined once it is gone). */
  versionOf(key: string): number | undefined {
    return this.#deployments.get(key)?.version;
  }

  isPlaced(key: string, device: string): boolean {
    return this.#deployments.get(key)?.placed.has(device) ?? false;
  }

  /** Deployments placed on the device (the status flusher's device -> CRs index). */
  deploymentsOn(device: string): readonly string[] {
    return this.#onDevice.get(device)?.placed ?? [];
  }

  conflictOf(key: string): ConflictSummary {
    const state = this.#deployments.get(key);
    if (state === undefined) return { withheld: 0, example: undefined, blocking: [] };
    const first = state.withheld.entries().next();
    const example = first.done === true ? undefined : { device: first.value[0], ...first.value[1] };
    const blocking = [...state.blocking].map(([other, devices]) => {
      // One example device and port, from the newer deployment's own record.
      let sample = { device: "", port: "" };
      for (const [device, w] of this.#deployments.get(other)?.withheld ?? []) {
        if (w.other !== key) continue;
        sample = { device, port: w.port };
        break;
      }
      return { other, devices, ...sample };
    });
    return { withheld: state.withheld.size, example, blocking };
  }

  /** Adds or updates a deployment; only a change of targeting, ports or age re-places it. */
  setDeployment(targets: DeploymentTargets): PlacementChanges {
    const changes = Placement.noChanges();
    let state = this.#deployments.get(targets.key);
    if (state !== undefined && sameTargets(state.targets, targets)) return changes;
    const devices = new Set<string>();
    if (state === undefined) {
      state = {
        targets,
        placed: new Set(),
        version: ++this.#lastVersion,
        withheld: new Map(),
        blocking: new Map(),
      };
      this.#deployments.set(targets.key, state);
    } else {
      this.#unindex(state.targets);
      state.targets = targets;
      for (const device of state.placed) devices.add(device);
      for (const device of state.withheld.keys()) devices.add(device);
    }
    this.#index(targets);
    for (const device of this.#candidates(targets)) devices.add(device);
    for (const device of devices) this.#placeOne(state, device, changes);
    changes.touched.add(targets.key);
    return changes;
  }

  /** Forgets a deployment; others it withheld may now be placed. */
  removeDeployment(key: string): PlacementChanges {
    const changes = Placement.noChanges();
    const current = this.#deployments.get(key);
    if (current === undefined) return changes;
    this.#unindex(current.targets);
    this.#deployments.delete(key);
    for (const device of [...current.placed, ...current.withheld.keys()])
      this.#decide(device, changes);
    changes.flipped.delete(key);
    changes.touched.delete(key);
    return changes;
  }

  /** A Device was added, changed (labels, disabled, identity) or deleted. */
  deviceChanged(device: string): PlacementChanges {
    const changes = Placement.noChanges();
    this.#decide(device, changes);
    return changes;
  }

  /** After a full list of Devices: re-decides every device that is known or placed. */
  devicesListed(): PlacementChanges {
    const changes = Placement.noChanges();
    const devices = new Set(this.#onDevice.keys());
    for (const device of this.#devices.ids()) devices.add(device);
    for (const device of this.#listedBy.keys()) devices.add(device);
    for (const device of devices) this.#decide(device, changes);
    return changes;
  }

  /** Devices this deployment may want now (a superset is fine: #decide checks). */
  #candidates(targets: DeploymentTargets): Iterable<string> {
    if (targets.targeting.kind === "devices") return targets.targeting.devices;
    const { selector } = targets.targeting;
    const matched: string[] = [];
    for (const device of this.#devices.ids()) {
      const summary = this.#devices.get(device);
      if (summary !== undefined && matchesSelector(selector, summary.labels)) matched.push(device);
    }
    return matched;
  }

  #index(targets: DeploymentTargets): void {
    const { targeting } = targets;
    if (targeting.kind === "selector") {
      this.#selectors.set(targets.key, targeting.selector);
      return;
    }
    for (const device of targeting.devices) {
      let keys = this.#listedBy.get(device);
      if (keys === undefined) this.#listedBy.set(device, (keys = new Set()));
      keys.add(targets.key);
    }
  }

  #unindex(targets: DeploymentTargets): void {
    this.#selectors.delete(targets.key);
    if (targets.targeting.kind !== "devices") return;
    for (const device of targets.targeting.devices) {
      const keys = this.#listedBy.get(device);
      keys?.delete(targets.key);
      if (keys?.size === 0) this.#listedBy.delete(device);
    }
  }

  /** Whether one deployment wants one device, before clashes. */
  #wants(targets: DeploymentTargets, device: string): boolean {
    const summary = this.#devices.get(device);
    if (targets.targeting.kind === "devices")
      return summary?.disabled !== true && this.#listedBy.get(device)?.has(targets.key) === true;
    return (
      summary !== undefined &&
      summary.enrolled &&
      !summary.disabled &&
      matchesSelector(targets.targeting.selector, summary.labels)
    );
  }

  /**
   * Re-decides one device for one changed deployment. Without a clash there
   * (none withheld, no shared port with the others placed) only this
   * deployment can move, so the others are not re-evaluated: a spec change
   * over 50,000 devices stays linear in the devices, not in devices x CRs.
   */
  #placeOne(state: DeploymentState, device: string, changes: PlacementChanges): void {
    const here = this.#onDevice.get(device);
    const { key, hostPorts } = state.targets;
    const others = (here?.placed ?? []).filter((other) => other !== key);
    const shared = others.some((other) =>
      this.#deployments.get(other)?.targets.hostPorts.some((port) => hostPorts.includes(port)),
    );
    if (here?.withheld !== undefined || state.withheld.has(device) || shared) {
      this.#decide(device, changes);
      return;
    }
    const wanted = this.#wants(state.targets, device);
    if (wanted === state.placed.has(device)) return;
    if (wanted) state.placed.add(device);
    else state.placed.delete(device);
    state.version = ++this.#lastVersion;
    let devices = changes.flipped.get(key);
    if (devices === undefined) changes.flipped.set(key, (devices = new Set()));
    devices.add(device);
    changes.touched.add(key);
    const placed = wanted ? [...others, key] : others;
    if (placed.length === 0) this.#onDevice.delete(device);
    else this.#onDevice.set(device, { placed, withheld: undefined });
  }

  #wanting(device: string): Contender[] {
    const summary = this.#devices.get(device);
    const wanting: Contender[] = [];
    if (summary !== undefined && summary.enrolled && !summary.disabled) {
      for (const [key, selector] of this.#selectors) {
        const state = this.#deployments.get(key);
        if (state !== undefined && matchesSelector(selector, summary.labels))
          wanting.push(state.targets);
      }
    }
    if (summary?.disabled !== true) {
      for (const key of this.#listedBy.get(device) ?? []) {
        const state = this.#deployments.get(key);
        if (state !== undefined) wanting.push(state.targets);
      }
    }
    return wanting;
  }

  /** Re-decides one device and records, per deployment, what changed there. */
  #decide(device: string, changes: PlacementChanges): void {
    const next = resolveDevice(this.#wanting(device));
    const previous = this.#onDevice.get(device);
    const wasPlaced = new Set(previous?.placed ?? []);
    const isPlaced = new Set(next.placed);
    const flip = (key: string, placed: boolean): void => {
      const state = this.#deployments.get(key);
      if (state === undefined) return;
      if (placed) state.placed.add(device);
      else state.placed.delete(device);
      state.version = ++this.#lastVersion;
      let devices = changes.flipped.get(key);
      if (devices === undefined) changes.flipped.set(key, (devices = new Set()));
      devices.add(device);
      changes.touched.add(key);
    };
    for (const key of wasPlaced) if (!isPlaced.has(key)) flip(key, false);
    for (const key of isPlaced) if (!wasPlaced.has(key)) flip(key, true);
    this.#updateWithheld(device, previous?.withheld, next.withheld, changes);

    if (next.placed.length === 0 && next.withheld.size === 0) this.#onDevice.delete(device);
    else
      this.#onDevice.set(device, {
        placed: next.placed,
        withheld: next.withheld.size === 0 ? undefined : next.withheld,
      });
  }

  #updateWithheld(
    device: string,
    before: ReadonlyMap<string, Withholding> | undefined,
    after: ReadonlyMap<string, Withholding>,
    changes: PlacementChanges,
  ): void {
    const keys = new Set([...(before?.keys() ?? []), ...after.keys()]);
    for (const key of keys) {
      const was = before?.get(key);
      const now = after.get(key);
      if (was?.other === now?.other && was?.port === now?.port) continue;
      const state = this.#deployments.get(key);
      if (was !== undefined) {
        state?.withheld.delete(device);
        this.#countBlocking(was.other, key, -1);
        changes.touched.add(was.other);
      }
      if (now !== undefined) {
        state?.withheld.set(device, now);
        this.#countBlocking(now.other, key, 1);
        changes.touched.add(now.other);
      }
      if (state !== undefined) changes.touched.add(key);
    }
  }

  #countBlocking(older: string, newer: string, delta: number): void {
    const state = this.#deployments.get(older);
    if (state === undefined) return;
    const count = (state.blocking.get(newer) ?? 0) + delta;
    if (count > 0) state.blocking.set(newer, count);
    else state.blocking.delete(newer);
  }
}
