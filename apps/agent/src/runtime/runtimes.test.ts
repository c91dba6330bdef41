import { SCORE_KINDS } from "@fleet/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { AgentConfig } from "../config/settings.js";
import type { EventRing } from "../status/event-ring.js";
import { createRuntimes, runtimeList } from "./runtimes.js";

describe("runtimes - one per score kind", () => {
  it("createRuntimes - has a runtime for every kind in contracts, each keyed by its own kind", async () => {
    const runtimes = createRuntimes({
      config: { deviceId: "pi-1", podmanSocket: "/nonexistent/podman.sock" } as AgentConfig,
      ring: {} as EventRing,
      logger: pino({ enabled: false }),
      retryLater: () => undefined,
      now: Date.now,
    });
    for (const kind of SCORE_KINDS) expect(runtimes[kind].kind).toBe(kind);
    expect(runtimeList(runtimes).map((runtime) => runtime.kind)).toEqual([...SCORE_KINDS]);
    await Promise.all(runtimeList(runtimes).map((runtime) => runtime.close()));
  });
});
