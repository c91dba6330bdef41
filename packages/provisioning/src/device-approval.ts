// Approving an enrolled device and changing a Device's labels. Both are
// read-modify-write of one Device, so each write carries the resourceVersion
// it read: a change made in between (the registrar issuing the identity,
// another deployer relabelling) makes the API server answer 409, and the
// change is worked out again from a fresh read, never lost. Every call acts
// as the caller, so Kubernetes RBAC decides (deployers may patch Devices).
import {
  deviceIdSchema,
  deviceLabelsSchema,
  deviceResourceSchema,
  formatIssues,
  parseOrThrow,
  type DeviceResource,
} from "@fleet/contracts";
import { isConflict, type DeviceClient } from "@fleet/kube";
import { ProvisioningError } from "./errors.js";

/** Reads and writes per call before giving up on a Device that keeps changing. */
const ATTEMPTS = 3;

type Labels = Record<string, string>;

function validId(id: string): string {
  const parsed = deviceIdSchema.safeParse(id);
  if (!parsed.success)
    throw new ProvisioningError(
      "invalid",
      `invalid device id "${id}": ${formatIssues(parsed.error).replace(/^\(root\): /, "")}`,
      { field: "id", cause: parsed.error },
    );
  return parsed.data;
}

function validLabels(labels: Labels): Labels {
  const parsed = deviceLabelsSchema.safeParse(labels);
  if (!parsed.success) {
    const detail = formatIssues(parsed.error).replace(/^\(root\): /, "");
    throw new ProvisioningError("invalid", `invalid labels: ${detail}`, {
      field: "labels",
      cause: parsed.error,
    });
  }
  return parsed.data;
}

async function read(devices: DeviceClient, id: string): Promise<DeviceResource> {
  const found = await devices.find(id);
  if (found === undefined)
    throw new ProvisioningError("not-found", `device "${id}" does not exist`, { field: "id" });
  return parseOrThrow(deviceResourceSchema, found, `Device ${id}`);
}

/** A merge patch of `metadata.labels` that turns `current` into `next` (`null` removes a key). */
function labelsPatch(current: Labels, next: Labels): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const key of Object.keys(current)) if (!Object.hasOwn(next, key)) patch[key] = null;
  for (const [key, value] of Object.entries(next)) if (current[key] !== value) patch[key] = value;
  return patch;
}

/**
 * Reads the Device, lets `change` work out the write from what it read, and
 * writes it conditional on that read; on 409 it reads again.
 */
async function readModifyWrite(
  devices: DeviceClient,
  id: string,
  change: (device: DeviceResource) => object | undefined,
): Promise<DeviceResource> {
  for (let attempt = 1; ; attempt++) {
    const device = await read(devices, id);
    const body = change(device);
    if (body === undefined) return device;
    try {
      const written = await devices.mergePatch(id, {
        ...body,
        metadata: {
          ...("metadata" in body ? (body.metadata as object) : {}),
          resourceVersion: device.metadata.resourceVersion,
        },
      });
      return parseOrThrow(deviceResourceSchema, written, `Device ${id}`);
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= ATTEMPTS)
        throw new ProvisioningError(
          "conflict",
          `device "${id}" kept changing while it was being updated (${ATTEMPTS} tries); try again`,
          { field: "id", cause: error },
        );
    }
  }
}

/** Why this Device cannot be approved; undefined when it is waiting for approval. */
function notPendingReason(device: DeviceResource): string | undefined {
  const id = device.metadata.name;
  if (device.spec.disabled)
    return `device "${id}" is disabled; enable it first if it should join the fleet`;
  if (device.spec.identity !== undefined)
    return `device "${id}" is already enrolled (it has an identity); there is nothing to approve`;
  if (device.spec.enrollment === undefined)
    return `device "${id}" did not enroll with a token (it has no spec.enrollment), so there is no key to approve`;
  return undefined;
}

export interface ApproveDeviceOptions {
  /** Labels to add (or overwrite) on the Device as it is approved. */
  labels?: Labels;
}

/**
 * Approves a device waiting in PendingApproval: sets spec.approved, and adds
 * the labels given, in one write. iot-identity's registrar then issues the
 * identity for the device's own public key. A device that is not pending
 * (enrolled, disabled, never enrolled with a token) is `not-pending` with a
 * message saying which; approving twice before the identity is issued is
 * fine (the labels are merged).
 */
export async function approveDevice(
  devices: DeviceClient,
  id: string,
  options: ApproveDeviceOptions = {},
): Promise<DeviceResource> {
  validId(id);
  const added = validLabels(options.labels ?? {});
  return readModifyWrite(devices, id, (device) => {
    const reason = notPendingReason(device);
    if (reason !== undefined) throw new ProvisioningError("not-pending", reason, { field: "id" });
    const current = device.metadata.labels ?? {};
    const next = validLabels({ ...current, ...added });
    return { metadata: { labels: labelsPatch(current, next) }, spec: { approved: true } };
  });
}

export interface LabelChange {
  /** Labels to add or overwrite. */
  set?: Labels;
  /** Keys to remove (a missing key is fine). */
  remove?: readonly string[];
}

function relabel(
  devices: DeviceClient,
  id: string,
  next: (current: Labels) => Labels,
): Promise<DeviceResource> {
  validId(id);
  return readModifyWrite(devices, id, (device) => {
    const current = device.metadata.labels ?? {};
    const patch = labelsPatch(current, validLabels(next(current)));
    return Object.keys(patch).length === 0 ? undefined : { metadata: { labels: patch } };
  });
}

/** Replaces the Device's labels with exactly `labels` (validated with deviceLabelsSchema). */
export async function setDeviceLabels(
  devices: DeviceClient,
  id: string,
  labels: Labels,
): Promise<DeviceResource> {
  const wanted = validLabels(labels);
  return await relabel(devices, id, () => wanted);
}

/** Adds, overwrites and removes some labels, leaving the others (kubectl label's `k=v k2-`). */
export async function changeDeviceLabels(
  devices: DeviceClient,
  id: string,
  change: LabelChange,
): Promise<DeviceResource> {
  const set = validLabels(change.set ?? {});
  const remove = change.remove ?? [];
  const both = remove.filter((key) => Object.hasOwn(set, key));
  if (both.length > 0)
    throw new ProvisioningError(
      "invalid",
      `label "${both[0] ?? ""}" is both set and removed; say one or the other`,
      { field: "labels" },
    );
  return await relabel(devices, id, (current) =>
    Object.fromEntries(
      Object.entries({ ...current, ...set }).filter(([key]) => !remove.includes(key)),
    ),
  );
}
