// Access tokens for the key in the credential file, re-reading the file before
// each request to the IdP: after `iot-operator device rotate-key` the new file
// is installed over the old one, and the agent signs with the new key from its
// next renewal on, without a restart. A file that is unusable at that moment
// (wrong mode, half written, another device's) is logged and the key already
// loaded is kept, so a mistake on disk never takes a running device offline.
import type { DeviceCredentials } from "@fleet/contracts";
import type { Token } from "@fleet/zitadel";
import type { Logger } from "../logger.js";
import { inspectCredentialFile } from "./credential-file.js";
import type { AccessTokens } from "./token-keeper.js";

export interface ReloadingTokensOptions {
  file: string;
  /** The file's content as read at start. */
  device: DeviceCredentials;
  /** The token source for one version of the file. */
  tokensFor: (device: DeviceCredentials) => AccessTokens;
  logger: Logger;
}

/** What makes a different identity at the IdP (the NATS servers are used at start only). */
const identityOf = (d: DeviceCredentials): string =>
  JSON.stringify([d.userId, d.keyId, d.key, d.issuer, d.projectId, d.issuerCa ?? ""]);

export class ReloadingTokens implements AccessTokens {
  readonly #options: ReloadingTokensOptions;
  #device: DeviceCredentials;
  #tokens: AccessTokens;

  constructor(options: ReloadingTokensOptions) {
    this.#options = options;
    this.#device = options.device;
    this.#tokens = options.tokensFor(options.device);
  }

  get issuer(): string {
    return this.#tokens.issuer;
  }

  async token(): Promise<Token> {
    await this.#reload();
    return this.#tokens.token();
  }

  invalidate(): void {
    this.#tokens.invalidate();
  }

  async #reload(): Promise<void> {
    const { file, logger, tokensFor } = this.#options;
    const report = await inspectCredentialFile(file);
    const next = report.credentials;
    if (report.problems.length > 0 || next === undefined) {
      logger.warn(
        { problems: report.problems, keyId: this.#device.keyId },
        "the credential file is not usable now; keeping the key loaded before",
      );
      return;
    }
    if (next.deviceId !== this.#device.deviceId) {
      logger.warn(
        { file, names: next.deviceId, device: this.#device.deviceId },
        "the credential file now names another device; keeping this device's key",
      );
      return;
    }
    if (identityOf(next) === identityOf(this.#device)) return;
    this.#device = next;
    this.#tokens = tokensFor(next);
    logger.info(
      { file, keyId: next.keyId },
      "the credential file changed: using its key from now on",
    );
  }
}
