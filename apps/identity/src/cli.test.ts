import { describe, expect, it } from "vitest";
import { parseArgs } from "./cli.js";
import { SETTING_NAMES, SETTINGS } from "./config/settings.js";

describe("parseArgs", () => {
  it.each(SETTING_NAMES)("hands --%s's value to the loader under the setting's name", (name) => {
    const { flags } = parseArgs([`--${SETTINGS[name].flag}`, "given"], {});
    expect(flags[name]).toBe("given");
  });

  it("passes --config through and leaves unset settings out", () => {
    const inputs = parseArgs(["--config", "/etc/iot-identity.json"], {});
    expect(inputs.configFlag).toBe("/etc/iot-identity.json");
    expect(inputs.flags).toEqual({});
  });
});
