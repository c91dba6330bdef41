// Which Device changes end a device's live connections, and when. Its identity
// (the IdP machine user) or its grants changed: at once (the live connection
// holds the old permissions; it reconnects with the new ones), and so for a
// deleted device (reported disabled, drained, with no grants). Disabled: drain
// first. The operator deletes the device's desired state, and the device must
// still be connected to hear it and remove its workloads; so the kick waits
// until the Device's status says it is drained (no deployment reported, or
// offline), or the caller's drain timeout passes, and is dropped if the device
// is enabled again meanwhile. New connections are refused at once all along
// (the callout reads the policy). Pure: the caller keeps the timers.
import type { DevicePolicy } from "../policy/index.js";

/** What to do with a device's live connections after a change of its policy. */
export type ConnectionAction =
  /** Nothing (no change that ends them, or already dealt with). */
  | "keep"
  /** Close them now (and stop any drain timer). */
  | "kick"
  /** Disabled with workloads still reported: start the drain timer, kick when drained. */
  | "drain"
  /** Enabled again while draining: stop the drain timer, keep them. */
  | "cancel-drain";

type Seen = Pick<DevicePolicy, "userId" | "disabled" | "grants"> & { draining: boolean };

const sameGrants = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

export class DeviceChanges {
  readonly #seen = new Map<string, Seen>();

  /** Records the policy (from the PolicySource's watch) and says what it means for the connections. */
  decide(policy: DevicePolicy): ConnectionAction {
    const before = this.#seen.get(policy.deviceId);
    const action = actionFor(before, policy);
    const draining =
      action === "drain" || (action === "keep" && policy.disabled && before?.draining === true);
    this.#seen.set(policy.deviceId, {
      userId: policy.userId,
      disabled: policy.disabled,
      grants: [...policy.grants],
      draining,
    });
    return action;
  }

  /** The drain timer of a device ran out: true when it is still draining (kick it now). */
  drainTimedOut(deviceId: string): boolean {
    const seen = this.#seen.get(deviceId);
    if (seen?.draining !== true) return false;
    seen.draining = false;
    return true;
  }
}

function actionFor(before: Seen | undefined, policy: DevicePolicy): ConnectionAction {
  const disabling = (): ConnectionAction => (policy.drained ? "kick" : "drain");
  // First sight: a disabled device may still hold a connection from before this process.
  if (before === undefined) return policy.disabled ? disabling() : "keep";
  if (policy.disabled) {
    if (!before.disabled) return disabling();
    return before.draining && policy.drained ? "kick" : "keep";
  }
  if (before.userId !== policy.userId || !sameGrants(before.grants, policy.grants)) return "kick";
  return before.draining ? "cancel-drain" : "keep";
}
