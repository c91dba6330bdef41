// The PodmanV0 runtime: each service of the score is one podman container,
// labelled with its owner, key, payload hash and service (contracts' LABELS),
// restarted by the agent itself under its restart policy.
import { LABELS, ownerLabels } from "@fleet/contracts";
import { PodmanClient } from "../../podman/client.js";
import { listContainers } from "../../podman/containers.js";
import { followContainerEvents } from "../../podman/events.js";
import { RestartPolicy } from "../../reconcile/restart-policy.js";
import type { RuntimeDeps, ScoreRuntime } from "../score-runtime.js";
import { containerEventTrigger } from "./container-events.js";
import { ContainersBeingRemoved } from "./containers-being-removed.js";
import { HeldContainers, type HeldContainersDeps } from "./held-containers.js";

export function podmanV0Runtime(deps: RuntimeDeps): ScoreRuntime<"PodmanV0"> {
  const device = deps.config.deviceId;
  const podman = new PodmanClient(deps.config.podmanSocket);
  const removing = new ContainersBeingRemoved();
  const held: HeldContainersDeps = {
    device,
    podman,
    removing,
    ring: deps.ring,
    restarts: new RestartPolicy(),
    retryLater: deps.retryLater,
    now: deps.now,
  };
  return {
    kind: "PodmanV0",
    async held(key) {
      const owned = await listContainers(podman, {
        ...ownerLabels(device),
        [LABELS.deploymentKey]: key,
      });
      return new HeldContainers(held, key, owned);
    },
    async heldKeys() {
      const owned = await listContainers(podman, ownerLabels(device));
      return owned.flatMap((c) => c.labels[LABELS.deploymentKey] ?? []);
    },
    follow: (triggers, signal) =>
      followContainerEvents({
        podman,
        label: `${LABELS.device}=${device}`,
        logger: deps.logger,
        signal,
        onOpened: () => {
          triggers.opened();
        },
        onEvent: containerEventTrigger(device, deps.logger, triggers, removing),
      }),
    close: () => podman.close(),
  };
}
