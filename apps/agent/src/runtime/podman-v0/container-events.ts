// Which podman container events reconcile a key: exits and removals of this
// device's own containers, so an out-of-band kill is seen at once, not at the
// next resync.
import { LABELS, isDesiredStateKey, isOwnedBy } from "@fleet/contracts";
import type { Logger } from "../../logger.js";
import type { ContainerEvent } from "../../podman/events.js";

const RECONCILING_ACTIONS = new Set(["died", "remove", "stop"]);

export function containerEventTrigger(
  device: string,
  logger: Logger,
  changed: (key: string) => void,
): (event: ContainerEvent) => void {
  return (event) => {
    const key = event.attributes[LABELS.deploymentKey];
    if (!isOwnedBy(event.attributes, device) || key === undefined) return;
    if (!isDesiredStateKey(key) || !RECONCILING_ACTIONS.has(event.action)) return;
    logger.info(
      {
        deployment: key,
        container: event.attributes.name,
        action: event.action,
        exitCode: event.exitCode,
      },
      "container event",
    );
    changed(key);
  };
}
