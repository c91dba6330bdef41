import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeDesiredState,
  type DesiredStateEntryInput,
  encodeDesiredState,
} from "./desired-state.js";
import { PayloadError } from "./errors.js";
import { namespaceName, resourceName } from "./testing/arbitraries.js";

const entry: DesiredStateEntryInput = {
  schemaVersion: 1,
  deployment: { namespace: "shop", name: "web.v1", uid: "0b6f-1", generation: 2 },
  score: {
    PodmanV0: {
      services: [
        {
          name: "web",
          image: "nginx",
          ports: [{ hostPort: 8080, containerPort: 80 }],
          env: { B: "2", A: "1" },
        },
      ],
    },
  },
};

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function payloadError(fn: () => unknown): PayloadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error("expected PayloadError");
}

describe("desired-state", () => {
  it("encodeDesiredState - round-trips through decode with defaults applied", () => {
    const decoded = decodeDesiredState(encodeDesiredState(entry));
    expect(decoded.score.PodmanV0.services[0]?.ports[0]?.protocol).toBe("TCP");
    expect(decoded.deployment).toEqual(entry.deployment);
  });

  it("encodeDesiredState - writes canonical JSON: sorted keys, no whitespace", () => {
    const encoded = text(encodeDesiredState(entry));
    expect(encoded).not.toMatch(/\s/);
    expect(encoded.startsWith('{"deployment":{"generation":2,"name":"web.v1"')).toBe(true);
    expect(encoded).toContain('"env":{"A":"1","B":"2"}');
  });

  it("encodeDesiredState - equal content gives equal bytes whatever the key order or defaults", () => {
    const reordered = {
      score: {
        PodmanV0: {
          services: [
            {
              env: { A: "1", B: "2" },
              ports: [{ protocol: "TCP" as const, containerPort: 80, hostPort: 8080 }],
              image: "nginx",
              name: "web",
            },
          ],
        },
      },
      deployment: { generation: 2, uid: "0b6f-1", name: "web.v1", namespace: "shop" },
      schemaVersion: 1 as const,
    };
    expect(encodeDesiredState(reordered)).toEqual(encodeDesiredState(entry));
    expect(encodeDesiredState(decodeDesiredState(encodeDesiredState(entry)))).toEqual(
      encodeDesiredState(entry),
    );
  });

  it("encodeDesiredState - is stable for arbitrary identities", () => {
    fc.assert(
      fc.property(namespaceName(), resourceName(), fc.nat(), (namespace, name, generation) => {
        const e = { ...entry, deployment: { namespace, name, uid: "u", generation } };
        const once = encodeDesiredState(e);
        expect(encodeDesiredState(decodeDesiredState(once))).toEqual(once);
      }),
    );
  });

  it("decodeDesiredState - names the offending field path", () => {
    const bad = structuredClone(entry) as {
      score: { PodmanV0: { services: { ports: { hostPort: number }[] }[] } };
    };
    const port = bad.score.PodmanV0.services[0]?.ports[0];
    if (port) port.hostPort = 70000;
    const error = payloadError(() => decodeDesiredState(bytesOf(bad)));
    expect(error.issues).toEqual([
      {
        path: "score.PodmanV0.services[0].ports[0].hostPort",
        message: "must be a port number from 1 to 65535",
      },
    ]);
    expect(error.message).toMatch(
      /score\.PodmanV0\.services\[0\]\.ports\[0\]\.hostPort: must be a port number/,
    );
  });

  it("decodeDesiredState - says not JSON for garbage and invalid UTF-8", () => {
    expect(
      payloadError(() => decodeDesiredState(new TextEncoder().encode("{nope"))).message,
    ).toMatch(/not JSON/);
    expect(
      payloadError(() => decodeDesiredState(new Uint8Array([0x7b, 0xff, 0x7d]))).message,
    ).toMatch(/not JSON/);
  });

  it("decodeDesiredState - rejects an unknown schemaVersion", () => {
    const error = payloadError(() => decodeDesiredState(bytesOf({ ...entry, schemaVersion: 2 })));
    expect(error.issues[0]?.path).toBe("schemaVersion");
    expect(error.message).toMatch(/unsupported schemaVersion/);
  });

  it("encodeDesiredState - refuses to encode an invalid entry", () => {
    expect(() => encodeDesiredState({ ...entry, score: { PodmanV0: { services: [] } } })).toThrow(
      PayloadError,
    );
  });
});
