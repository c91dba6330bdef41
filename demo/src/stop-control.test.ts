import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { DemoStopped, stopControl } from "./stop-control.js";

/** Stands in for `process`: its signals and its output streams are event emitters. */
function fakeProcess(): NodeJS.Process & { stdout: EventEmitter; stderr: EventEmitter } {
  return Object.assign(new EventEmitter(), {
    stdout: new EventEmitter(),
    stderr: new EventEmitter(),
  }) as unknown as NodeJS.Process & { stdout: EventEmitter; stderr: EventEmitter };
}

const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });

describe("stop control - every reason to stop ends in one abort", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s aborts with exit code %i", async (signal, exitCode) => {
    const host = fakeProcess();
    const control = stopControl({ process: host });
    host.emit(signal);
    expect(control.signal.aborted).toBe(true);
    const reason = await control.requested;
    expect(reason).toBeInstanceOf(DemoStopped);
    expect(reason.message).toBe(`${signal} received`);
    expect(reason.exitCode).toBe(exitCode);
  });

  it.each(["stdout", "stderr"] as const)("a closed %s (EPIPE) aborts with 141", async (stream) => {
    const host = fakeProcess();
    const control = stopControl({ process: host });
    host[stream].emit("error", epipe);
    const reason = await control.requested;
    expect(reason.message).toBe(`${stream} was closed (EPIPE)`);
    expect(reason.exitCode).toBe(141);
  });

  it("keeps the first reason; a later stop changes nothing", async () => {
    const host = fakeProcess();
    const control = stopControl({ process: host });
    expect(control.stop(new DemoStopped("operator ended on its own (exit code 1)", 1))).toBe(true);
    host.emit("SIGTERM");
    expect(control.stop(new DemoStopped("again", 1))).toBe(false);
    expect((await control.requested).message).toBe("operator ended on its own (exit code 1)");
    expect(control.signal.reason).toBe(await control.requested);
  });

  it("says 'already stopping' for a later Ctrl-C, not for the copy that npm relays at once", () => {
    vi.useFakeTimers();
    try {
      const host = fakeProcess();
      const repeated: string[] = [];
      stopControl({ process: host, onRepeatedSignal: (signal) => repeated.push(signal) });
      host.emit("SIGINT");
      host.emit("SIGINT");
      expect(repeated).toEqual([]);
      vi.advanceTimersByTime(1500);
      host.emit("SIGINT");
      expect(repeated).toEqual(["SIGINT"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
