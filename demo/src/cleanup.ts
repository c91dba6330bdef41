// At teardown the demo removes the containers its agents ran: agents leave
// containers running when they stop (that is their job on a device).
import { PodmanApi } from "./podman.js";
import type { Stack } from "./stack.js";

export async function cleanupDemoContainers(stack: Stack): Promise<void> {
  const podman = new PodmanApi(stack.connection.podmanSocket);
  try {
    for (const device of stack.devices) {
      for (const container of await podman.containersOf(device)) await podman.remove(container.id);
    }
  } finally {
    await podman.close();
  }
}
