// At teardown the demo removes the containers its agents ran.
import type { PlatformConnection } from "@fleet/local-platform";
import { PodmanApi } from "./podman.js";

export async function cleanupDemoContainers(stack: {
  connection: PlatformConnection;
  devices: string[];
}): Promise<void> {
  const podman = new PodmanApi(stack.connection.podmanSocket);
  try {
    for (const device of stack.devices) {
      for (const container of await podman.containersOf(device)) await podman.remove(container.id);
    }
  } finally {
    await podman.close();
  }
}
