import { describe, expect, it } from "vitest";
import { createLogger, logLevelSchema, silentLogger } from "./logger.js";

describe("logger - factory", () => {
  it("logger - takes its level and name from the caller", () => {
    const log = createLogger({ level: "warn", name: "iot-agent" });
    expect(log.level).toBe("warn");
    expect(log.isLevelEnabled("info")).toBe(false);
    expect(log.bindings()).toMatchObject({ name: "iot-agent" });
  });

  it("logger - the silent logger logs nothing at any level", () => {
    expect(silentLogger().isLevelEnabled("fatal")).toBe(false);
  });

  it("logger - a level outside the list is refused with the list", () => {
    const parsed = logLevelSchema.safeParse("loud");
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      "must be one of fatal, error, warn, info, debug, trace, silent",
    );
  });
});
