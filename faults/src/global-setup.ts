// Vitest global setup of the fault suite: brings up the platform the faults
// are injected into (three NATS nodes, Toxiproxy; vitest.faults.config.ts
// says where and how big), and afterwards stops only what this run started.
import { consoleProgress, down, layoutFor, readPlatformEnv, up } from "@fleet/local-platform";

export default async function setup(): Promise<() => Promise<void>> {
  const layout = layoutFor(readPlatformEnv());
  const progress = consoleProgress("faults", { platformDir: layout.root });
  const { started } = await up(layout, progress);
  return async () => {
    if (started.length > 0) await down(layout, progress, started);
  };
}
