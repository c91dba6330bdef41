// Which podman container events reconcile a key: exits and removals of this
// device's own containers, so an out-of-band kill is seen at once, not at the
// next resync. An exit the agent did not cause is also reported as it is, at
// once: the reconcile that follows must list the containers, and podman answers
// that only after it has cleaned the dead container up (up to ~300 ms later).
import { LABELS, isDesiredStateKey, isOwnedBy } from "@fleet/contracts";
import type { Logger } from "../../logger.js";
import type { ContainerEvent } from "../../podman/events.js";
import { describeExit } from "../../reconcile/exit-reason.js";
import type { RuntimeTriggers } from "../score-runtime.js";
import type { ContainersBeingRemoved } from "./containers-being-removed.js";

const RECONCILING_ACTIONS = new Set(["died", "remove", "stop"]);

/** How supervision words the same exit (supervise.ts), without its restart note. */
function exitProblem(event: ContainerEvent): string {
  const service = `service "${event.attributes[LABELS.service] ?? event.attributes.name ?? event.id}"`;
  return event.exitCode === undefined
    ? `${service} stopped`
    : `${service} ${describeExit({ exitCode: event.exitCode })}`;
}

export function containerEventTrigger(
  device: string,
  logger: Logger,
  triggers: Pick<RuntimeTriggers, "changed" | "exited">,
  removing: ContainersBeingRemoved,
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
    if (event.action === "remove") removing.done(event.id);
    else if (event.action === "died" && !removing.has(event.id))
      triggers.exited(key, exitProblem(event));
    triggers.changed(key);
  };
}
