// One Device by name, read with a list filtered on metadata.name: iot-identity
// may list and watch Devices but not `get` them (the chart's least-privilege
// role; a list already shows everything a get would), so reads by name go
// through the same verb as the policy cache's read-through.
import { deviceIdSchema } from "@fleet/contracts";
import type { DeviceClient, DeviceObject } from "@fleet/kube";

export async function readDevice(
  devices: DeviceClient,
  name: string,
): Promise<DeviceObject | undefined> {
  // Only a valid device id is ever put into a selector.
  if (!deviceIdSchema.safeParse(name).success) return undefined;
  const { items } = await devices.list({ fieldSelector: `metadata.name=${name}` });
  return items.find((item) => item.metadata?.name === name);
}
