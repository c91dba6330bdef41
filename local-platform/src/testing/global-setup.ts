// Vitest global setup of the integration tier: brings up the real local
// platform (building servers on a cold machine), and afterwards stops only the
// servers this run started, so a developer's running platform is left alone.
import { readPlatformEnv } from "../env.js";
import { layoutFor } from "../layout.js";
import { ensureBinaries } from "../binaries.js";
import { down, up } from "../platform.js";
import { consoleProgress } from "../progress.js";

export default async function setup(): Promise<() => Promise<void>> {
  const layout = layoutFor(readPlatformEnv());
  const progress = consoleProgress("integration", { platformDir: layout.root });
  // `up` builds only what it runs; the chart's tests also need helm.
  await ensureBinaries(layout, progress, { which: "all" });
  const { started } = await up(layout, progress);
  return async () => {
    if (started.length > 0) await down(layout, progress, started);
  };
}
