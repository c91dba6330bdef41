import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidKeyError } from "./errors.js";
import {
  AGENT_STATUS_FILTER,
  agentStatusKey,
  desiredStateKey,
  deploymentDesiredStateFilter,
  deviceDesiredStateFilter,
  NATS_KV_KEY_PATTERN,
  parseAgentStatusKey,
  parseDesiredStateKey,
} from "./keys.js";
import { deviceId, namespaceName, resourceName } from "./testing/arbitraries.js";
import { subjectMatches } from "./testing/subject-match.js";

function isValidKvKey(key: string): boolean {
  return NATS_KV_KEY_PATTERN.test(key) && key.split(".").every((token) => token !== "");
}

function thrown(fn: () => unknown): InvalidKeyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidKeyError) return error;
    throw error;
  }
  throw new Error("expected InvalidKeyError");
}

const parts = fc.record({ device: deviceId(), namespace: namespaceName(), name: resourceName() });

describe("keys", () => {
  it("desiredStateKey - parse(key(x)) returns x for every legal input", () => {
    fc.assert(
      fc.property(parts, (x) => {
        expect(parseDesiredStateKey(desiredStateKey(x))).toEqual(x);
      }),
    );
  });

  it("desiredStateKey - different (namespace, name) pairs on one device never collide", () => {
    fc.assert(
      fc.property(
        deviceId(),
        namespaceName(),
        resourceName(),
        namespaceName(),
        resourceName(),
        (d, ns1, n1, ns2, n2) => {
          fc.pre(ns1 !== ns2 || n1 !== n2);
          return (
            desiredStateKey({ device: d, namespace: ns1, name: n1 }) !==
            desiredStateKey({ device: d, namespace: ns2, name: n2 })
          );
        },
      ),
    );
  });

  it("desiredStateKey - every key is a valid NATS KV key inside its device's filter", () => {
    fc.assert(
      fc.property(parts, deviceId(), (x, other) => {
        const key = desiredStateKey(x);
        expect(isValidKvKey(key)).toBe(true);
        expect(subjectMatches(deviceDesiredStateFilter(x.device), key)).toBe(true);
        expect(subjectMatches(deviceDesiredStateFilter(other), key)).toBe(other === x.device);
      }),
    );
  });

  it("desiredStateKey - encodes dots in names as underscores", () => {
    expect(desiredStateKey({ device: "pi-1", namespace: "shop", name: "web.v1.example.com" })).toBe(
      "pi-1.shop.web_v1_example_com",
    );
    expect(parseDesiredStateKey("pi-1.shop.web_v1_example_com")).toEqual({
      device: "pi-1",
      namespace: "shop",
      name: "web.v1.example.com",
    });
    expect(desiredStateKey({ device: "pi-1", namespace: "shop", name: "web" })).toBe(
      "pi-1.shop.web",
    );
  });

  it("desiredStateKey - rejects an illegal part, naming it", () => {
    const error = thrown(() => desiredStateKey({ device: "pi-1", namespace: "Shop", name: "web" }));
    expect(error.token).toBe("Shop");
    expect(error.message).toMatch(/namespace "Shop" must be a DNS-1123 label/);
  });

  it("parseDesiredStateKey - names the bad token", () => {
    expect(thrown(() => parseDesiredStateKey("pi-1.shop")).message).toMatch(/3 tokens\), got 2/);
    expect(thrown(() => parseDesiredStateKey("pi-1.shop.web.extra")).message).toMatch(/got 4/);
    expect(thrown(() => parseDesiredStateKey("PI.shop.web")).token).toBe("PI");
    expect(thrown(() => parseDesiredStateKey("pi-1..web")).token).toBe("");
    const badName = thrown(() => parseDesiredStateKey("pi-1.shop.web__v1"));
    expect(badName.token).toBe("web__v1");
    expect(badName.message).toMatch(/name token "web__v1" \(name "web..v1"\)/);
  });

  it("deploymentDesiredStateFilter - matches that CR's key on every device and no other CR's", () => {
    fc.assert(
      fc.property(
        deviceId(),
        namespaceName(),
        resourceName(),
        namespaceName(),
        resourceName(),
        (device, namespace, name, otherNamespace, otherName) => {
          const filter = deploymentDesiredStateFilter({ namespace, name });
          expect(subjectMatches(filter, desiredStateKey({ device, namespace, name }))).toBe(true);
          const other = desiredStateKey({ device, namespace: otherNamespace, name: otherName });
          const same = otherNamespace === namespace && otherName === name;
          expect(subjectMatches(filter, other)).toBe(same);
        },
      ),
    );
  });

  it("deploymentDesiredStateFilter - rejects an illegal name, naming it", () => {
    const error = thrown(() => deploymentDesiredStateFilter({ namespace: "ns", name: "Bad_Name" }));
    expect(error.message).toContain('name "Bad_Name"');
  });

  it("agentStatusKey - round-trips and matches AGENT_STATUS_FILTER", () => {
    fc.assert(
      fc.property(deviceId(), (device) => {
        const key = agentStatusKey(device);
        expect(parseAgentStatusKey(key)).toBe(device);
        expect(isValidKvKey(key)).toBe(true);
        expect(subjectMatches(AGENT_STATUS_FILTER, key)).toBe(true);
      }),
    );
  });

  it("parseAgentStatusKey - rejects other prefixes and bad device ids", () => {
    expect(() => parseAgentStatusKey("heartbeat.pi-1")).toThrow(InvalidKeyError);
    expect(thrown(() => parseAgentStatusKey("status.pi.1")).token).toBe("pi.1");
    expect(() => agentStatusKey("Pi")).toThrow(InvalidKeyError);
  });
});
