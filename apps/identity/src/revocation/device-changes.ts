// Which Device changes end a device's live connections: it was disabled, its
// identity (the IdP machine user) changed, or its grants changed (the live
// connection holds the old permissions; it reconnects with the new ones).
// Remembers the last policy seen per device, from the PolicySource's watch (a
// deleted device is reported disabled, so its connections end too).
import type { DevicePolicy } from "../policy/index.js";

type Seen = Pick<DevicePolicy, "userId" | "disabled" | "grants">;

const sameGrants = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

export class DeviceChanges {
  readonly #seen = new Map<string, Seen>();

  /** Records the policy; true when the device's live connections must be closed. */
  endsConnections(policy: DevicePolicy): boolean {
    const before = this.#seen.get(policy.deviceId);
    this.#seen.set(policy.deviceId, {
      userId: policy.userId,
      disabled: policy.disabled,
      grants: [...policy.grants],
    });
    // First sight: a disabled device may still hold a connection from before this process.
    if (before === undefined) return policy.disabled;
    if (policy.disabled) return !before.disabled;
    return before.userId !== policy.userId || !sameGrants(before.grants, policy.grants);
  }
}
