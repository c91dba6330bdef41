// The Devices page's operations as one signed-in user. Device CRs are read and
// written with the user's own token, so Kubernetes RBAC decides (viewers may
// list, deployers may also create, patch and delete); the IdP calls use the
// dashboard's admin key, and provisioning makes each of them only after an
// authorized Kubernetes call of that user (see @fleet/provisioning). The
// credentials returned by add and rotate-key go to the browser once and are
// never stored or logged here.
import type { Configuration } from "@kubernetes/client-node";
import type { DeviceCredentials, DeviceResource } from "@fleet/contracts";
import { ApiException } from "@kubernetes/client-node";
import { DeviceClient } from "@fleet/kube";
import {
  createProvisioning,
  credentialsContext,
  deviceRegistry,
  isProvisioningError,
  type MachineUsers,
  type Provisioning,
  type ProvisioningSettings,
} from "@fleet/provisioning";
import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { AddDeviceInput } from "../../devices/inputs";
import { toTrpcError, type KubeAction } from "../kube/kube-errors";

/** A Device as the page lists it. */
export interface DeviceRow {
  id: string;
  labels: Record<string, string>;
  disabled: boolean;
  userId?: string | undefined;
  keyId?: string | undefined;
}

export interface DevicesApi {
  list(): Promise<DeviceRow[]>;
  add(input: AddDeviceInput): Promise<DeviceCredentials>;
  disable(id: string): Promise<void>;
  enable(id: string): Promise<void>;
  rotateKey(id: string): Promise<DeviceCredentials>;
  remove(id: string): Promise<void>;
}

/** What the dashboard provisions with, when it is configured to. */
export interface DashboardProvisioning {
  settings: ProvisioningSettings;
  /** One per process: its admin token is cached and renewed. */
  idp: MachineUsers;
}

const FAILURE_CODES = {
  exists: "CONFLICT",
  "not-found": "NOT_FOUND",
  "no-identity": "PRECONDITION_FAILED",
  invalid: "BAD_REQUEST",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

function toError(error: unknown, action: KubeAction): unknown {
  if (isProvisioningError(error))
    return new TRPCError({
      code: FAILURE_CODES[error.reason],
      message: error.message,
      cause: error,
    });
  // Anything else (the IdP, a failed undo) is logged with a reference; its text stays on the server.
  return error instanceof ApiException ? toTrpcError(error, action) : error;
}

async function as<T>(action: KubeAction, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toError(error, action);
  }
}

const row = (device: DeviceResource): DeviceRow => ({
  id: device.metadata.name,
  labels: device.metadata.labels ?? {},
  disabled: device.spec.disabled,
  userId: device.spec.identity?.userId,
  keyId: device.spec.identity?.keyId,
});

export function devicesApi(
  configuration: Configuration,
  provisioning: DashboardProvisioning | undefined,
): DevicesApi {
  const registry = deviceRegistry(DeviceClient.forConfiguration(configuration));
  const provisioner = (): Provisioning => {
    if (provisioning === undefined) {
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message:
          "Device provisioning is not configured on this dashboard (ZITADEL_ADMIN_KEY_FILE, ZITADEL_PROJECT_ID, DEVICE_NATS_URL)",
      });
    }
    return createProvisioning({
      idp: provisioning.idp,
      devices: registry,
      credentials: credentialsContext(provisioning.settings),
    });
  };
  const device = (verb: KubeAction["verb"], name: string): KubeAction => ({
    verb,
    kind: "device",
    name,
  });
  return {
    list: () => as({ verb: "list", kind: "device" }, async () => (await registry.list()).map(row)),
    add: (input) => as(device("create", input.id), () => provisioner().addDevice(input)),
    disable: (id) => as(device("update", id), () => provisioner().disableDevice(id)),
    enable: (id) => as(device("update", id), () => provisioner().enableDevice(id)),
    rotateKey: (id) => as(device("update", id), () => provisioner().rotateDeviceKey(id)),
    remove: (id) => as(device("delete", id), () => provisioner().removeDevice(id)),
  };
}
