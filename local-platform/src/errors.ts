// Typed errors of the local platform, so callers branch on type, not on text.

export class PlatformError extends Error {
  override name = "PlatformError";
}

/** A port the platform wants is held by a process it did not start. */
export class PortInUseError extends PlatformError {
  override name = "PortInUseError";
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    // A derived port ("FLEET_NATS_PORT + 20", a cluster node's) moves with the setting it derives from.
    const [setting = variable, ...derivation] = variable.split(" ");
    super(
      derivation.length === 0
        ? `port ${port} is already in use by another process; choose another with ${variable}=<port>`
        : `port ${port} (${variable}) is already in use by another process; choose another with ${setting}=<port>`,
    );
  }
}

/** A server did not become ready in time; the message points at its log. */
export class NotReadyError extends PlatformError {
  override name = "NotReadyError";
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}
