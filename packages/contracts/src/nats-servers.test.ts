import { describe, expect, it } from "vitest";
import { natsServersSchema, NATS_SERVERS_MAX_ITEMS } from "./nats-servers.js";

const messages = (input: unknown): string[] => {
  const parsed = natsServersSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("natsServersSchema", () => {
  it("accepts comma-separated text and arrays of nats, tls, ws, wss URLs and host:port", () => {
    expect(natsServersSchema.parse("nats://a:4222, tls://b:4443,c:4222")).toEqual([
      "nats://a:4222",
      "tls://b:4443",
      "c:4222",
    ]);
    expect(natsServersSchema.parse(["ws://a:8080", "wss://user:pw@b/nats"])).toEqual([
      "ws://a:8080",
      "wss://user:pw@b/nats",
    ]);
  });

  it("names each bad entry by its position and value", () => {
    expect(messages("nats://a:4222,http://b:80")).toEqual([
      '1: "http://b:80" is not a NATS URL such as nats://host:4222 (or host:port)',
    ]);
    expect(messages(["nats://ok:4222", "nats://"])).toEqual([
      '1: "nats://" is not a NATS URL such as nats://host:4222 (or host:port)',
    ]);
    expect(messages("http//x")).toEqual([
      '0: "http//x" is not a NATS URL such as nats://host:4222 (or host:port)',
    ]);
    expect(messages("a:4222,,b:4222")).toEqual([
      '1: "" is not a NATS URL such as nats://host:4222 (or host:port)',
    ]);
  });

  it("refuses an empty list, too many servers and an oversize URL", () => {
    expect(messages([])).toEqual([": must list at least one NATS server"]);
    const many = Array.from({ length: NATS_SERVERS_MAX_ITEMS + 1 }, (_, i) => `s${i}:4222`);
    expect(messages(many.join(","))).toEqual([
      `: must list at most ${NATS_SERVERS_MAX_ITEMS} NATS servers`,
    ]);
    expect(messages([`nats://${"a".repeat(3000)}:4222`])[0]).toContain(
      "must be at most 2048 characters",
    );
  });
});
