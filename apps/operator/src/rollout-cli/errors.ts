// How `iot-operator rollout …` ends when it did not (or could not) do what
// was asked: a refusal (nothing to approve, a completed rollout to roll back;
// nothing was written, exit 1), a followed Deployment deleted (exit 1), and a
// rollout that ended badly (RolledBack or Halted, exit 3, so scripts can gate
// on `rollout status --watch`).

/** The CLI's exit code for a rollout that rolled back or halted. */
export const EXIT_ROLLOUT_FAILED = 3;
const EXIT_REFUSED = 1;

/** The request makes no sense for the rollout as it stands; nothing was written. */
export class RolloutRefusedError extends Error {
  override readonly name = "RolloutRefusedError";
}

/** The Deployment went away while it was followed. */
export class DeploymentGoneError extends Error {
  override readonly name = "DeploymentGoneError";
}

/** The rollout ended RolledBack, or Halted waiting for a person. */
export class RolloutFailedError extends Error {
  override readonly name = "RolloutFailedError";
}

export function rolloutFailure(error: unknown): { exitCode: number; message: string } | undefined {
  if (error instanceof RolloutRefusedError || error instanceof DeploymentGoneError)
    return { exitCode: EXIT_REFUSED, message: error.message };
  if (error instanceof RolloutFailedError)
    return { exitCode: EXIT_ROLLOUT_FAILED, message: error.message };
  return undefined;
}
