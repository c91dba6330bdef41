import { describe, expect, it } from "vitest";
import { PortInUseError } from "@fleet/local-platform";
import { exitLine } from "./exit-line.js";
import { DemoStopped } from "./stop-control.js";

describe("exit line - one line on stderr says why the demo ended", () => {
  it("says nothing when the journey passed and the teardown went well", () => {
    expect(exitLine({})).toBeUndefined();
  });

  it("names the stop's reason, says everything is stopped, and exits with its code", () => {
    expect(exitLine({ stopReason: new DemoStopped("SIGINT received", 130) })).toEqual({
      line: "demo: stopped (SIGINT received); everything it started is stopped",
      exitCode: 130,
    });
  });

  it("reports the stop, not the failure the stop caused", () => {
    const ending = exitLine({
      stopReason: new DemoStopped("stdout was closed (EPIPE)", 141),
      failure: new Error("This operation was aborted"),
    });
    expect(ending?.line).toBe(
      "demo: stopped (stdout was closed (EPIPE)); everything it started is stopped",
    );
    expect(ending?.exitCode).toBe(141);
  });

  it("names a failed start-up with its platform error's name, exit code 1", () => {
    expect(exitLine({ failure: new PortInUseError(26443, "FLEET_KUBE_PORT") })).toEqual({
      line: expect.stringMatching(/^demo: PortInUseError: .*26443/) as unknown,
      exitCode: 1,
    });
  });

  it("never claims a clean teardown that failed", () => {
    const ending = exitLine({
      stopReason: new DemoStopped("SIGTERM received", 143),
      teardownFailure: new Error("etcd did not stop"),
    });
    expect(ending).toEqual({
      line: "demo: stopped (SIGTERM received); teardown failed: etcd did not stop",
      exitCode: 143,
    });
  });
});
