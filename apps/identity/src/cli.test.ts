import { describe, expect, it } from "vitest";
import { parseArgs } from "./cli.js";
import { SETTING_NAMES, SETTINGS } from "./config/settings.js";

describe("parseArgs", () => {
  it.each(SETTING_NAMES)(
    "hands the value of the %s setting's flag to the loader under that name",
    (name) => {
      const { flags } = parseArgs([`--${SETTINGS[name].flag}`, "given"], {});
      expect(flags[name]).toBe("given");
    },
  );

  it("passes --config through and leaves unset settings out", () => {
    const inputs = parseArgs(["--config", "/etc/iot-identity.json"], {});
    expect(inputs.configFlag).toBe("/etc/iot-identity.json");
    expect(inputs.flags).toEqual({});
  });
});
