import { describe, expect, it } from "vitest";
import { upstreamOf } from "./toxiproxy-links.js";

describe("toxiproxy links - upstreams", () => {
  it("turns a NATS URL into the host:port Toxiproxy proxies to", () => {
    expect(upstreamOf("nats://127.0.0.1:24222")).toBe("127.0.0.1:24222");
  });

  it("refuses a URL without a port, naming it", () => {
    expect(() => upstreamOf("nats://127.0.0.1")).toThrow(/host and a port.*nats:\/\/127\.0\.0\.1/);
  });
});
