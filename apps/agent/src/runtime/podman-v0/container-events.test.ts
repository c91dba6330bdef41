import { LABELS, ownerLabels } from "@fleet/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { ContainerEvent } from "../../podman/events.js";
import { containerEventTrigger } from "./container-events.js";
import { ContainersBeingRemoved } from "./containers-being-removed.js";

const key = "pi-1.demo.web";
const event = (action: string, attributes: Record<string, string>): ContainerEvent => ({
  action,
  id: "c1",
  attributes: { name: "fleet_pi-1_demo_web_nginx", ...attributes },
  exitCode: action === "died" ? 137 : undefined,
});

function triggered(
  events: ContainerEvent[],
  removing = new ContainersBeingRemoved(),
): { changed: string[]; exited: [string, string][] } {
  const changed: string[] = [];
  const exited: [string, string][] = [];
  const trigger = containerEventTrigger(
    "pi-1",
    pino({ enabled: false }),
    { changed: (k) => changed.push(k), exited: (k, problem) => exited.push([k, problem]) },
    removing,
  );
  for (const e of events) trigger(e);
  return { changed, exited };
}

const mine = { ...ownerLabels("pi-1"), [LABELS.deploymentKey]: key, [LABELS.service]: "nginx" };

describe("podman-v0 container events", () => {
  it("container events - an exit, stop or removal of this device's container reconciles its key", () => {
    expect(triggered(["died", "stop", "remove"].map((a) => event(a, mine))).changed).toEqual([
      key,
      key,
      key,
    ]);
  });

  it("container events - an out-of-band exit is reported at once, in supervision's words", () => {
    expect(triggered([event("died", mine)]).exited).toEqual([
      [key, 'service "nginx" exited with code 137 (SIGKILL)'],
    ]);
  });

  it("container events - the end of a container the agent itself removes is no failure", () => {
    const removing = new ContainersBeingRemoved();
    removing.add("c1");
    const { changed, exited } = triggered(
      [event("died", mine), event("remove", mine), event("died", mine)],
      removing,
    );
    // Only the second exit, after podman reported the removal, counts (a reused id).
    expect(exited).toHaveLength(1);
    expect(changed).toEqual([key, key, key]);
    expect(removing.has("c1")).toBe(false);
  });

  it("container events - starts, other devices' and hand-made containers and bad keys change nothing", () => {
    const { changed, exited } = triggered([
      event("start", mine),
      event("died", { ...ownerLabels("pi-2"), [LABELS.deploymentKey]: "pi-2.demo.web" }),
      event("died", { [LABELS.device]: "pi-1", [LABELS.deploymentKey]: key }),
      event("died", { ...ownerLabels("pi-1"), [LABELS.deploymentKey]: "not a key" }),
      event("died", ownerLabels("pi-1")),
    ]);
    expect(changed).toEqual([]);
    expect(exited).toEqual([]);
  });
});
