// docs/nats.md lists every identity's NATS permissions for people setting up
// production NATS: each subject defined here must appear there.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEVICE_GRANTS } from "./device.js";
import {
  browserPermissions,
  dashboardServerPermissions,
  devicePermissions,
  identityServicePermissions,
  kickOnlyPermissions,
  operatorPermissions,
  type NatsPermissions,
} from "./nats-permissions.js";

const DOC = new URL("../../../docs/nats.md", import.meta.url);
const subjects = (p: NatsPermissions): string[] => [
  ...p.publish.allow,
  ...(p.publish.deny ?? []),
  ...p.subscribe.allow,
];

describe("nats permissions - docs/nats.md lists them", () => {
  it("names every subject each identity is allowed, devices with <id>", async () => {
    const doc = (await readFile(DOC, "utf8")).replaceAll(/`\s*\n\s*`/g, "` `");
    const device = subjects(devicePermissions("pi-1", DEFAULT_DEVICE_GRANTS)).map((s) =>
      s.replaceAll("pi-1", "<id>"),
    );
    const services = [
      operatorPermissions(),
      dashboardServerPermissions(),
      identityServicePermissions(),
      kickOnlyPermissions(),
      browserPermissions(),
    ].flatMap(subjects);
    for (const subject of [...device, ...services]) {
      expect(doc, subject).toContain(`\`${subject}\``);
    }
  });
});
