// Each real device's own Toxiproxy link to NATS (FaultWorld.start({ deviceLinks: true })):
// its agent is given the link's URLs instead of the servers', so a scenario can
// cut, slow or blackhole one device's uplink while the rest of the world is untouched.
import { createDeviceLink, type DeviceLink } from "@fleet/local-platform/testing";

export class DeviceLinks {
  readonly #links = new Map<string, DeviceLink>();

  /** `natsUrls`: every NATS node's client URL; a link has one proxy per node. */
  constructor(private readonly natsUrls: readonly string[]) {}

  /** Creates `device`'s link; resolves with the URLs its agent must use. */
  async create(device: string): Promise<string[]> {
    const link = await createDeviceLink(device, [...this.natsUrls]);
    this.#links.set(device, link);
    return link.urls;
  }

  /** `device`'s link (it must have been created). */
  of(device: string): DeviceLink {
    const link = this.#links.get(device);
    if (link === undefined) throw new Error(`${device} has no Toxiproxy link`);
    return link;
  }

  async removeAll(): Promise<void> {
    for (const link of this.#links.values()) await link.remove();
    this.#links.clear();
  }
}
