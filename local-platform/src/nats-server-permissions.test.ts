import { browserPermissions, identityServicePermissions } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { serverPermissions } from "./nats-server-permissions.js";

describe("nats server permissions - NatsPermissions as nats-server config", () => {
  it("writes a side that allows nothing as a deny of everything (an empty allow means all)", () => {
    const config = serverPermissions({ publish: { allow: [] }, subscribe: { allow: ["a.>"] } });
    expect(config.publish).toStrictEqual({ deny: [">"] });
    expect(config.subscribe).toStrictEqual({ allow: ["a.>"] });
    expect(serverPermissions(browserPermissions()).publish).toStrictEqual({ deny: [">"] });
  });

  it("keeps deny lists and says allow_responses only when granted", () => {
    const config = serverPermissions({
      publish: { allow: ["a.>"], deny: ["a.b"] },
      subscribe: { allow: ["c"] },
    });
    expect(config.publish).toStrictEqual({ allow: ["a.>"], deny: ["a.b"] });
    expect(config).not.toHaveProperty("allow_responses");
    expect(serverPermissions(identityServicePermissions()).allow_responses).toBe(true);
  });
});
