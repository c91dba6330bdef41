// A Device object (as the API server sent it) turned into the policy the
// identity service enforces. Anything malformed gives no policy at all, so a
// device the contracts do not accept can never connect.
import { deviceIdSchema, deviceSpecSchema, deviceStatusSchema } from "@fleet/contracts";
import type { DeviceObject } from "@fleet/kube";
import type { DevicePolicy } from "./policy-source.js";

/** What a Device says about its connections, or why it says nothing. */
export type DeviceReading =
  | { kind: "policy"; policy: DevicePolicy }
  | { kind: "no-identity"; deviceId: string }
  | { kind: "malformed"; deviceId: string; problem: string };

export function readDevice(device: DeviceObject): DeviceReading {
  const deviceId = device.metadata?.name ?? "";
  const name = deviceIdSchema.safeParse(deviceId);
  if (!name.success) return { kind: "malformed", deviceId, problem: "name is not a device id" };
  const spec = deviceSpecSchema.safeParse(device.spec ?? {});
  if (!spec.success) {
    const problem = spec.error.issues
      .map((issue) => `spec.${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    return { kind: "malformed", deviceId, problem };
  }
  const { identity, disabled, grants } = spec.data;
  if (identity === undefined) return { kind: "no-identity", deviceId };
  const policy = { deviceId, userId: identity.userId, disabled, grants, drained: drained(device) };
  return { kind: "policy", policy };
}

/** The operator's status fields that say whether a device still runs workloads. */
const drainStatusSchema = deviceStatusSchema.pick({
  connectivity: true,
  reportedDeployments: true,
});

function drained(device: DeviceObject): boolean {
  const status = drainStatusSchema.safeParse(device.status ?? {});
  // A status the schema refuses says nothing true: wait for the drain timeout.
  if (!status.success) return false;
  const { connectivity, reportedDeployments } = status.data;
  return connectivity === undefined || connectivity === "Offline" || reportedDeployments === 0;
}

/** The policy a device has once it is gone: nothing allowed, so its connections close. */
export function revokedPolicy(deviceId: string, userId: string): DevicePolicy {
  // Deleted: no Deployment can target it any more, so there is nothing to wait for.
  return { deviceId, userId, disabled: true, grants: [], drained: true };
}

export function samePolicy(a: DevicePolicy, b: DevicePolicy): boolean {
  return (
    a.deviceId === b.deviceId &&
    a.userId === b.userId &&
    a.disabled === b.disabled &&
    a.drained === b.drained &&
    a.grants.length === b.grants.length &&
    a.grants.every((grant) => b.grants.includes(grant))
  );
}

/** The part of a Device the watch's cache keeps: enough to notice it is gone. */
export function identityOnly(device: DeviceObject): DeviceObject {
  const { name, resourceVersion } = device.metadata ?? {};
  return {
    metadata: {
      ...(name === undefined ? {} : { name }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
  };
}
