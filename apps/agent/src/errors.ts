// Typed errors of the agent. Callers branch on these with the is...() helpers,
// never on message text. Every message is meant to be read by a person on the
// other end of a flaky link: it names the container or the image. (A bad
// setting is @fleet/runtime's ConfigError, which names the setting and source.)

/** The podman API answered with an error status, or could not be reached. */
export class PodmanApiError extends Error {
  override readonly name = "PodmanApiError";
  /** HTTP status, or undefined when the socket could not be reached at all. */
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** An image that is not on the device and could not be pulled. */
export class ImageUnavailableError extends Error {
  override readonly name = "ImageUnavailableError";
  readonly image: string;

  constructor(image: string, detail: string, options?: { cause?: unknown }) {
    super(`image ${image} is not on this device and pulling it failed: ${detail}`, options);
    this.image = image;
  }
}

/** A desired-state entry that decodes but cannot apply to this device (e.g. key mismatch). */
export class DesiredStateMismatchError extends Error {
  override readonly name = "DesiredStateMismatchError";
}

/** Podman answered 404: the container or image is not there. */
export function isNotFound(error: unknown): boolean {
  return error instanceof PodmanApiError && error.status === 404;
}

/** The message of anything thrown, for logs and lastError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
