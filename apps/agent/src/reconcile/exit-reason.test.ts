import { describe, expect, it } from "vitest";
import { describeExit, signalOf } from "./exit-reason.js";

describe("exit reason - wording", () => {
  it("exit reason - names the signal behind 128+n exit codes", () => {
    expect(signalOf(137)).toBe("SIGKILL");
    expect(signalOf(143)).toBe("SIGTERM");
    expect(signalOf(1)).toBeUndefined();
    expect(describeExit({ exitCode: 137 })).toBe("exited with code 137 (SIGKILL)");
    expect(describeExit({ exitCode: 3 })).toBe("exited with code 3");
  });

  it("exit reason - says out of memory and adds podman's own error", () => {
    expect(describeExit({ exitCode: 137, oomKilled: true, error: "" })).toBe(
      "was killed for running out of memory (exit code 137)",
    );
    expect(describeExit({ exitCode: 127, error: "executable file not found" })).toBe(
      "exited with code 127; podman: executable file not found",
    );
  });
});
