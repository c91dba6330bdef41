// A request the enrollment API turns down: the HTTP status and one sentence
// for the device's operator, sent as `{ error }`. Never carries a secret.

export class EnrollmentRefusal extends Error {
  override readonly name = "EnrollmentRefusal";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 503,
    message: string,
  ) {
    super(message);
  }
}

export const isEnrollmentRefusal = (error: unknown): error is EnrollmentRefusal =>
  error instanceof EnrollmentRefusal;
