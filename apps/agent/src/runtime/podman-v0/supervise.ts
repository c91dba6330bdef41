// Looks after containers that exist with the right payload but are not
// running: killed out of band, crashed, or stopped by a reboot. Reports the
// exit (code and signal) as the deployment's error at once, then restarts the
// container under the restart policy. A crash-looping container that was just
// started again stays a problem until it has stayed up (restart-policy.ts).
import { LABELS } from "@fleet/contracts";
import { messageOf } from "../../errors.js";
import type { PodmanClient } from "../../podman/client.js";
import {
  inspectContainer,
  startContainer,
  type ContainerSummary,
} from "../../podman/containers.js";
import { describeExit } from "../../reconcile/exit-reason.js";
import { formatSeconds } from "../../reconcile/phase-model.js";
import type { RestartPolicy, Settling } from "../../reconcile/restart-policy.js";
import type { RuntimeDeps } from "../score-runtime.js";

export interface SuperviseDeps extends Pick<RuntimeDeps, "ring" | "retryLater" | "now"> {
  podman: PodmanClient;
  restarts: RestartPolicy;
}

const settlingProblem = (service: string, settling: Settling): string =>
  `${service} ${settling.exit}; restarted (restart #${settling.attempt}), Running once it stays up ${formatSeconds(settling.settleMs)}`;

/** Returns the problems that keep the deployment from Running (empty when all run). */
export async function superviseContainers(
  deps: SuperviseDeps,
  key: string,
  containers: readonly ContainerSummary[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const container of containers) {
    const service = `service "${container.labels[LABELS.service] ?? container.name}"`;
    if (container.state === "running") {
      const settling = deps.restarts.settling(container.name, deps.now());
      if (settling !== undefined) {
        problems.push(settlingProblem(service, settling));
        deps.retryLater(key, settling.remainingMs);
      }
      continue;
    }
    const details = await inspectContainer(deps.podman, container.id);
    if (details === undefined) {
      // Removed meanwhile: the next pass re-creates it.
      problems.push(`container ${container.name} disappeared`);
      deps.retryLater(key, 0);
      continue;
    }
    if (details.State.Running) continue;
    const exit = describeExit({
      exitCode: details.State.ExitCode,
      oomKilled: details.State.OOMKilled,
      error: details.State.Error,
    });
    const now = deps.now();
    const decision = deps.restarts.decide(container.name, now, {
      startedAt: Date.parse(details.State.StartedAt ?? "") || 0,
      finishedAt: Date.parse(details.State.FinishedAt ?? "") || 0,
    });
    if (decision.action === "wait") {
      const problem = `${service} ${exit}; restarting in ${formatSeconds(decision.delayMs)} (restart #${decision.attempt})`;
      problems.push(problem);
      if (decision.newExit)
        deps.ring.record({ severity: "Error", message: problem, deployment: key });
      deps.retryLater(key, decision.delayMs);
      continue;
    }
    try {
      await startContainer(deps.podman, container.id);
      deps.restarts.restarted(container.name, now, exit);
      const settling = deps.restarts.settling(container.name, now);
      if (settling !== undefined) {
        problems.push(settlingProblem(service, settling));
        deps.retryLater(key, settling.remainingMs);
      }
      deps.ring.record({
        severity: "Warning",
        message: `restarted ${service} (restart #${decision.attempt}) after it ${exit}`,
        deployment: key,
      });
    } catch (error) {
      const delayMs = deps.restarts.startFailed(container.name, now);
      const problem = `${service} ${exit} and could not be restarted: ${messageOf(error)}; retrying in ${formatSeconds(delayMs)}`;
      problems.push(problem);
      deps.ring.record({ severity: "Error", message: problem, deployment: key });
      deps.retryLater(key, delayMs);
    }
  }
  return problems;
}
