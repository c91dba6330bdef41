// The dashboard in use during the soak: bob (viewer) signs in once in the
// system Chromium, as in the dashboard benchmark; then the pages a person keeps
// open are fetched in turn, one every PAGE_EVERY_MS, through that browser
// context's request API: its cookies (a refreshed session included) without
// rendering, so the server renders every page from CR status and its
// agent-status cache while Chromium itself stays idle. A page that is not a 200
// (a sign-in redirect included) counts as a failure.
import { platformConnection } from "@fleet/local-platform/testing";
import { setTimeout as delay } from "node:timers/promises";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import type { Logger } from "../logger.js";

const PAGE_EVERY_MS = 2000;
const ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"];

export class DashboardLoad {
  requests = 0;
  failures = 0;
  lastFailure: string | undefined;
  /** Page times (ms) since the last take(). */
  #times: number[] = [];
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  static async signIn(url: string, chromiumPath: string, logger: Logger): Promise<DashboardLoad> {
    const { oidc } = await platformConnection();
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ARGS });
    try {
      // The local IdP's certificate is from the platform's own CA, unknown to this profile.
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await context.newPage();
      await page.goto(`${url}/deployments`);
      await page.getByLabel("Username").fill("bob");
      await page.getByLabel("Password").fill(oidc.passwords.bob);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("signed-in-user").waitFor();
      await page.close();
      return new DashboardLoad(browser, context, url, logger);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** Fetches `pages()` (paths, asked each round since they change) in turn until stopped. */
  start(pages: () => string[]): void {
    this.#loop = (async () => {
      for (let round = 0; !this.#stopped; round++) {
        const list = pages();
        const path = list[round % list.length] ?? "/fleet";
        const t0 = performance.now();
        try {
          const response = await this.context.request.get(`${this.url}${path}`, {
            maxRedirects: 0,
            timeout: 30_000,
          });
          await response.body();
          if (response.status() !== 200) throw new Error(`${path}: HTTP ${response.status()}`);
          this.#times.push(performance.now() - t0);
        } catch (error) {
          this.failures += 1;
          this.lastFailure = error instanceof Error ? error.message : String(error);
          this.logger.warn({ path, err: error }, "dashboard page failed");
        }
        this.requests += 1;
        await delay(Math.max(0, PAGE_EVERY_MS - (performance.now() - t0)));
      }
    })();
  }

  /** The page times since the last call. */
  take(): number[] {
    const times = this.#times;
    this.#times = [];
    return times;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    await this.browser.close();
  }
}
