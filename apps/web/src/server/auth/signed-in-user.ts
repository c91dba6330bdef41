// The signed-in user as the server acts for them: who they are (for display and
// the UI's role checks) plus their own ID token, which the API server
// authenticates. The token lives in a private field: JSON and log output never
// show it, and React refuses to hand a class instance to a client component.
import type { SessionUser } from "./roles";

const REDACTED = "[ID token]";

export class UserCredential {
  readonly #idToken: string;

  constructor(idToken: string) {
    this.#idToken = idToken;
  }

  /** The bearer token for the Kubernetes API: the user's own ID token. */
  bearerToken(): string {
    return this.#idToken;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}

export interface SignedInUser extends SessionUser {
  /** Server-side only: never pass it (or the whole user) to a client component. */
  readonly credential: UserCredential;
}

export function signedInUser(user: SessionUser, idToken: string): SignedInUser {
  return { ...user, credential: new UserCredential(idToken) };
}
