// Brings up this instance of the local platform (FLEET_PLATFORM_DIR etc.) and,
// at the end, stops only the servers this run started.
import { down, layoutFor, readPlatformEnv, up, type Progress } from "@fleet/local-platform";
import type { Logger } from "./logger.js";

function loggerProgress(logger: Logger): Progress {
  return {
    async step(title, work) {
      const started = performance.now();
      const result = await work();
      logger.info({ ms: Math.round(performance.now() - started) }, `platform: ${title}`);
      return result;
    },
    info(message) {
      logger.info(`platform: ${message}`);
    },
  };
}

/** Returns a function that stops what this call started. */
export async function platformUp(logger: Logger): Promise<() => Promise<void>> {
  const layout = layoutFor(readPlatformEnv());
  const progress = loggerProgress(logger);
  const { started } = await up(layout, progress);
  return async () => {
    if (started.length > 0) await down(layout, progress, started);
  };
}
