// Typed errors of `iot-agent enroll`. Each message is a whole sentence for the
// person at the device: what happened and what to do next. Callers branch on
// the classes, never on message text.

/** The enrollment token is missing, unreadable or malformed (nothing was sent). */
export class EnrollmentTokenError extends Error {
  override readonly name = "EnrollmentTokenError";
}

/** The server refused the enrollment for good (4xx, or the device was disabled): retrying will not help. */
export class EnrollmentRefusedError extends Error {
  override readonly name = "EnrollmentRefusedError";
}

/** A pending enrollment on disk that does not belong to this request, or a credential file already there. */
export class EnrollmentStateError extends Error {
  override readonly name = "EnrollmentStateError";
}

/** The server could not be reached, or answered 5xx or something unreadable: worth retrying. */
export class EnrollmentUnavailableError extends Error {
  override readonly name = "EnrollmentUnavailableError";
}

/** Stopped by a signal while waiting; the pending key stays, so running again resumes. */
export class EnrollmentInterruptedError extends Error {
  override readonly name = "EnrollmentInterruptedError";
}

/** The server's certificate is not trusted (unknown CA, wrong name, expired): retrying will not help. */
export class EnrollmentUntrustedServerError extends Error {
  override readonly name = "EnrollmentUntrustedServerError";
}
