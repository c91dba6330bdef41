// How `iot-operator device …` reports a failure it understands: one line a
// person can act on, and the CLI's exit codes (2: bad input, nothing was
// done; 1: the platform refused or failed). Anything else falls through to
// the CLI's generic handler.
import { apiStatusMessage, httpStatusOf } from "@fleet/kube";
import { CredentialsFileExistsError, isProvisioningError } from "@fleet/provisioning";
import { isZitadelApiError, isZitadelTokenError } from "@fleet/zitadel";

export interface Failure {
  exitCode: number;
  message: string;
}

const EXIT_FAILED = 1;
const EXIT_BAD_INPUT = 2;

export function deviceFailure(error: unknown): Failure | undefined {
  if (isProvisioningError(error)) {
    return {
      exitCode: error.reason === "invalid" ? EXIT_BAD_INPUT : EXIT_FAILED,
      message: error.message,
    };
  }
  if (error instanceof CredentialsFileExistsError)
    return {
      exitCode: EXIT_BAD_INPUT,
      message: `--out ${error.path} already exists; pass --force to overwrite it`,
    };
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const said = apiStatusMessage(error) ?? `HTTP ${status}`;
    const who = status === 403 ? "Kubernetes RBAC refused" : "the Kubernetes API server answered";
    return { exitCode: EXIT_FAILED, message: `${who}: ${said}` };
  }
  if (isZitadelApiError(error) || isZitadelTokenError(error))
    return { exitCode: EXIT_FAILED, message: `the IdP: ${error.message}` };
  return undefined;
}
