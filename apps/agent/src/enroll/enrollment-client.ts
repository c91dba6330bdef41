// The device's side of iot-identity's enrollment API (contracts'
// enrollment.ts): the request with the token and the public key, then status
// checks carrying a proof. HTTPS only (settings.ts refuses other URLs),
// trusting --server-ca when given. Answers are read with a size limit and
// checked against the contracts; a 4xx is final (EnrollmentRefusedError with
// the server's own words), anything else is worth retrying
// (EnrollmentUnavailableError).
import {
  ENROLLMENT_PATH,
  ENROLLMENT_STATUS_PATH,
  enrollmentErrorSchema,
  enrollmentResponseSchema,
  enrollmentStatusResponseSchema,
  type EnrollmentRequest,
  type EnrollmentResponse,
  type EnrollmentStatusResponse,
} from "@fleet/contracts";
import { fetchTrusting, readLimitedText } from "@fleet/zitadel";
import type { z } from "zod";
import { messageOf } from "../errors.js";
import {
  EnrollmentRefusedError,
  EnrollmentUnavailableError,
  EnrollmentUntrustedServerError,
} from "./errors.js";

/** One request may take this long before it counts as a failure to reach the server. */
const REQUEST_TIMEOUT_MS = 20_000;
/** The server's answers are small JSON documents (an identity with a CA at most). */
const MAX_ANSWER_BYTES = 64 * 1024;
const HTTP_CONFLICT = 409;
/** 4xx answers that mean "not now" rather than "no": retried like an outage. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 425, 429]);

export type RequestOutcome =
  | { kind: "accepted"; response: EnrollmentResponse }
  /** 409: a Device with this id is already there (maybe this device's own earlier request). */
  | { kind: "exists"; message: string };

/** What the enroll flow needs from the server (a fake of it drives the flow's unit tests). */
export interface EnrollmentApi {
  /** The status endpoint's URL: the audience of every proof. */
  readonly statusUrl: string;
  request(body: EnrollmentRequest, signal?: AbortSignal): Promise<RequestOutcome>;
  status(deviceId: string, proof: string, signal?: AbortSignal): Promise<EnrollmentStatusResponse>;
}

/** Node's codes for a certificate that does not verify against the trusted CAs. */
const UNTRUSTED_CA_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);
const EXPIRED_CODES = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const WRONG_NAME_CODE = "ERR_TLS_CERT_ALTNAME_INVALID";

/**
 * What to do about a request that failed because the server's certificate is
 * not trusted; undefined for any other failure (those are retried).
 */
export function untrustedServerAdvice(error: unknown, url: string): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string") return undefined;
  const host = new URL(url).host;
  const reason = messageOf(cause);
  if (UNTRUSTED_CA_CODES.has(code))
    return `the certificate of ${host} is not signed by a CA this device trusts (${reason}): give the CA that issued it with --server-ca <pem file>`;
  if (code === WRONG_NAME_CODE)
    return `the certificate of ${host} is not issued for that name (${reason}): use the --server URL the certificate names`;
  if (EXPIRED_CODES.has(code))
    return `the certificate of ${host} is not valid now (${reason}): renew it on the server, or check this device's clock`;
  return undefined;
}

/** `https://fleet.example:8443/` + `/v1/enrollments` (a path prefix on the server URL is kept). */
export function endpointUrl(server: string, path: string): string {
  return `${server.replace(/\/+$/, "")}${path}`;
}

/** The `{ error }` sentence of a refusal, or the status when the body says nothing readable. */
function errorText(status: number, text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `HTTP ${status}`;
  }
  const parsed = enrollmentErrorSchema.safeParse(json);
  return parsed.success ? parsed.data.error : `HTTP ${status}`;
}

export class EnrollmentClient implements EnrollmentApi {
  readonly statusUrl: string;
  readonly #requestUrl: string;
  readonly #fetch: typeof fetch;

  constructor(server: string, caPem?: string) {
    this.#requestUrl = endpointUrl(server, ENROLLMENT_PATH);
    this.statusUrl = endpointUrl(server, ENROLLMENT_STATUS_PATH);
    this.#fetch = fetchTrusting(caPem);
  }

  async request(body: EnrollmentRequest, signal?: AbortSignal): Promise<RequestOutcome> {
    const { status, text } = await this.#post(this.#requestUrl, body, signal);
    if (status === HTTP_CONFLICT) return { kind: "exists", message: errorText(status, text) };
    return {
      kind: "accepted",
      response: this.#answer(status, text, enrollmentResponseSchema, "the enrollment request"),
    };
  }

  async status(
    deviceId: string,
    proof: string,
    signal?: AbortSignal,
  ): Promise<EnrollmentStatusResponse> {
    const { status, text } = await this.#post(this.statusUrl, { deviceId, proof }, signal);
    return this.#answer(status, text, enrollmentStatusResponseSchema, "the status check");
  }

  async #post(
    url: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; text: string }> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      const response = await this.#fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
      return { status: response.status, text: await readLimitedText(response, MAX_ANSWER_BYTES) };
    } catch (error) {
      if (signal?.aborted === true) throw error;
      const advice = untrustedServerAdvice(error, url);
      if (advice !== undefined) throw new EnrollmentUntrustedServerError(advice, { cause: error });
      // undici hides the reason (refused, TLS, DNS) in the cause.
      const cause =
        error instanceof Error && error.cause !== undefined ? `: ${messageOf(error.cause)}` : "";
      throw new EnrollmentUnavailableError(`cannot reach ${url}: ${messageOf(error)}${cause}`, {
        cause: error,
      });
    }
  }

  #answer<S extends z.ZodType>(status: number, text: string, schema: S, what: string): z.output<S> {
    if (status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status)) {
      throw new EnrollmentRefusedError(
        `the server refused ${what} (HTTP ${status}): ${errorText(status, text)}`,
      );
    }
    if (status < 200 || status >= 300) {
      throw new EnrollmentUnavailableError(
        `the server failed ${what} (HTTP ${status}): ${errorText(status, text)}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EnrollmentUnavailableError(`the server's answer to ${what} is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new EnrollmentUnavailableError(
        `the server's answer to ${what} is not what this agent expects: ${parsed.error.issues
          .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
          .join("; ")}`,
      );
    }
    return parsed.data;
  }
}
