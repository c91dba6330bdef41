import { LABELS, ownerLabels } from "@fleet/contracts";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { ContainerEvent } from "../../podman/events.js";
import { containerEventTrigger } from "./container-events.js";

const key = "pi-1.demo.web";
const event = (action: string, attributes: Record<string, string>): ContainerEvent => ({
  action,
  id: "c1",
  attributes: { name: "fleet_pi-1_demo_web_nginx", ...attributes },
  exitCode: action === "died" ? 137 : undefined,
});

function changedKeys(events: ContainerEvent[]): string[] {
  const keys: string[] = [];
  const trigger = containerEventTrigger("pi-1", pino({ enabled: false }), (k) => keys.push(k));
  for (const e of events) trigger(e);
  return keys;
}

describe("podman-v0 container events", () => {
  it("container events - an exit, stop or removal of this device's container reconciles its key", () => {
    const mine = { ...ownerLabels("pi-1"), [LABELS.deploymentKey]: key };
    expect(changedKeys(["died", "stop", "remove"].map((a) => event(a, mine)))).toEqual([
      key,
      key,
      key,
    ]);
  });

  it("container events - starts, other devices' and hand-made containers and bad keys change nothing", () => {
    const mine = { ...ownerLabels("pi-1"), [LABELS.deploymentKey]: key };
    expect(
      changedKeys([
        event("start", mine),
        event("died", { ...ownerLabels("pi-2"), [LABELS.deploymentKey]: "pi-2.demo.web" }),
        event("died", { [LABELS.device]: "pi-1", [LABELS.deploymentKey]: key }),
        event("died", { ...ownerLabels("pi-1"), [LABELS.deploymentKey]: "not a key" }),
        event("died", ownerLabels("pi-1")),
      ]),
    ).toEqual([]);
  });
});
