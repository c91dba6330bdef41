import { describe, expect, it } from "vitest";
import { toContainerEvent } from "./events.js";

const raw = (action: string, attributes: Record<string, string>): unknown => ({
  Type: "container",
  Action: action,
  Actor: { ID: "abc", Attributes: { name: "fleet_pi-1_demo_web_nginx", ...attributes } },
  timeNano: 1,
});

describe("podman events - parsing", () => {
  it("podman events - reads libpod's `died` with containerExitCode", () => {
    expect(toContainerEvent(raw("died", { containerExitCode: "137" }))).toMatchObject({
      action: "died",
      id: "abc",
      exitCode: 137,
    });
  });

  it("podman events - normalizes the compat API's `die`", () => {
    expect(toContainerEvent(raw("die", { exitCode: "1" }))).toMatchObject({
      action: "died",
      exitCode: 1,
    });
  });

  it("podman events - ignores non-container and unparseable events", () => {
    expect(toContainerEvent({ Type: "image", Action: "pull", Actor: { ID: "x" } })).toBeUndefined();
    expect(toContainerEvent({ nonsense: true })).toBeUndefined();
    expect(toContainerEvent(raw("start", {}))?.exitCode).toBeUndefined();
  });
});
