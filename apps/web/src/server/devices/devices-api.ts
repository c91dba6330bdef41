// The Devices page's operations as one signed-in user. Device CRs are read,
// watched and written with the user's own token, so Kubernetes RBAC decides
// (viewers may list and watch, deployers may also create, patch and delete).
// Approving an enrollment and editing labels are patches of the CR alone
// (iot-identity issues the identity of an approved device). The IdP calls use
// the dashboard's admin key, and provisioning makes each of them only after an
// authorized Kubernetes call of that user (see @fleet/provisioning). The
// credentials returned by add and rotate-key go to the browser once and are
// never stored or logged here.
import { isDeepStrictEqual } from "node:util";
import type { Configuration } from "@kubernetes/client-node";
import { deviceResourceSchema, type DeviceCredentials } from "@fleet/contracts";
import { DeviceClient, devicesPath } from "@fleet/kube";
import {
  approveDevice,
  createProvisioning,
  credentialsContext,
  deviceRegistry,
  type MachineUsers,
  type Provisioning,
  type ProvisioningSettings,
  setDeviceLabels,
} from "@fleet/provisioning";
import { TRPCError } from "@trpc/server";
import type { Change } from "../../deployments/changes";
import { registeredDevice, type RegisteredDevice } from "../../devices/device-rows";
import { labelsText } from "../../devices/form-model";
import type {
  AddDeviceInput,
  ApproveDeviceInput,
  SetDeviceLabelsInput,
} from "../../devices/inputs";
import type { KubeAction } from "../kube/kube-errors";
import { watchChanges } from "../kube/watch-changes";
import { asUser } from "./as-user";

export type DeviceChange = Change<RegisteredDevice>;

export interface DevicesApi {
  list(): Promise<RegisteredDevice[]>;
  /** Every Device the user may list, then each change, until `signal` aborts. */
  watch(signal: AbortSignal): AsyncIterable<DeviceChange>;
  /** spec.approved = true, adding `labels` to the device's own. */
  approve(input: ApproveDeviceInput): Promise<RegisteredDevice>;
  /** The device's labels become exactly `labels`. */
  setLabels(input: SetDeviceLabelsInput): Promise<RegisteredDevice>;
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

/** A Device that does not match the contracts is left out (lists, watch) rather than breaking the page. */
function rowOf(object: unknown): RegisteredDevice | undefined {
  const parsed = deviceResourceSchema.safeParse(object);
  return parsed.success ? registeredDevice(parsed.data) : undefined;
}

const notFound = (id: string): TRPCError =>
  new TRPCError({ code: "NOT_FOUND", message: `device "${id}" does not exist` });

export function devicesApi(
  configuration: Configuration,
  provisioning: DashboardProvisioning | undefined,
): DevicesApi {
  const client = DeviceClient.forConfiguration(configuration);
  const registry = deviceRegistry(client);
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
  const read = async (id: string): Promise<RegisteredDevice> => {
    const found = await asUser(device("get", id), () => client.find(id));
    const parsed = found === undefined ? undefined : rowOf(found);
    if (parsed === undefined) throw notFound(id);
    return parsed;
  };
  const patched = async (id: string, body: object): Promise<RegisteredDevice> => {
    const object = await asUser(device("update", id), () => client.mergePatch(id, body));
    const parsed = rowOf(object);
    if (parsed === undefined) throw notFound(id);
    return parsed;
  };
  /** Without the IdP admin key, the CR alone: iot-identity refuses (and kicks) a disabled device. */
  const setDisabled = async (id: string, disabled: boolean): Promise<void> => {
    if (provisioning !== undefined) {
      await asUser(device("update", id), () =>
        disabled ? provisioner().disableDevice(id) : provisioner().enableDevice(id),
      );
      return;
    }
    await read(id);
    await patched(id, { spec: { disabled } });
  };
  return {
    list: () =>
      asUser({ verb: "list", kind: "device" }, async () =>
        (await registry.list()).map(registeredDevice),
      ),
    watch: (signal) =>
      watchChanges({
        configuration,
        path: devicesPath(),
        list: () => asUser({ verb: "list", kind: "device" }, () => client.list()),
        parse: rowOf,
        signal,
        what: "devices",
      }),
    approve: ({ id, labels }) =>
      asUser(device("update", id), async () =>
        registeredDevice(await approveDevice(client, id, { labels })),
      ),
    async setLabels({ id, labels, previousLabels }) {
      if (previousLabels !== undefined) {
        const current = await read(id);
        // The edit started from other labels than the device has now: saving it would drop a change.
        if (!isDeepStrictEqual(current.labels, previousLabels)) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `the labels of device "${id}" changed meanwhile (now: ${labelsText(current.labels) || "none"}); edit them again`,
          });
        }
      }
      return asUser(device("update", id), async () =>
        registeredDevice(await setDeviceLabels(client, id, labels)),
      );
    },
    add: (input) => asUser(device("create", input.id), () => provisioner().addDevice(input)),
    disable: (id) => setDisabled(id, true),
    enable: (id) => setDisabled(id, false),
    rotateKey: (id) => asUser(device("update", id), () => provisioner().rotateDeviceKey(id)),
    remove: (id) => asUser(device("delete", id), () => provisioner().removeDevice(id)),
  };
}
