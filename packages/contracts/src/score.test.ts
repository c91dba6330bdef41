import { describe, expect, it } from "vitest";
import { formatIssues } from "./errors.js";
import { podmanV0Schema, portMappingSchema, scoreKind, scoreSchema } from "./score.js";

const web = { name: "web", image: "nginx:1.27", ports: [{ hostPort: 8080, containerPort: 80 }] };

function issuesOf(result: ReturnType<typeof scoreSchema.safeParse>): string {
  return result.success ? "" : formatIssues(result.error);
}

describe("score", () => {
  it("portMappingSchema - defaults protocol to TCP", () => {
    expect(portMappingSchema.parse({ hostPort: 1, containerPort: 65535 })).toEqual({
      hostPort: 1,
      containerPort: 65535,
      protocol: "TCP",
    });
  });

  it("portMappingSchema - rejects ports outside 1..65535 and non-integers", () => {
    for (const port of [0, 65536, 80.5, -1]) {
      expect(
        portMappingSchema.safeParse({ hostPort: port, containerPort: 80 }).success,
        String(port),
      ).toBe(false);
    }
  });

  it("podmanServiceSchema - defaults ports to an empty list", () => {
    const parsed = podmanV0Schema.parse({ services: [{ name: "db", image: "postgres" }] });
    expect(parsed.services[0]?.ports).toEqual([]);
  });

  it("podmanV0Schema - requires at least one service", () => {
    expect(podmanV0Schema.safeParse({ services: [] }).success).toBe(false);
  });

  it("podmanV0Schema - rejects duplicate service names at the duplicate's path", () => {
    const result = scoreSchema.safeParse({ PodmanV0: { services: [web, { ...web, ports: [] }] } });
    expect(issuesOf(result)).toBe('PodmanV0.services[1].name: duplicate service name "web"');
  });

  it("podmanV0Schema - rejects two services on the same host port and protocol", () => {
    const other = { name: "api", image: "api:1", ports: [{ hostPort: 8080, containerPort: 3000 }] };
    expect(issuesOf(scoreSchema.safeParse({ PodmanV0: { services: [web, other] } }))).toMatch(
      /^PodmanV0\.services\[1\]\.ports\[0\]\.hostPort: host port 8080\/TCP is already used by service "web"$/,
    );
    const udp = { ...other, ports: [{ hostPort: 8080, containerPort: 3000, protocol: "UDP" }] };
    expect(scoreSchema.safeParse({ PodmanV0: { services: [web, udp] } }).success).toBe(true);
  });

  it("podmanServiceSchema - names the rule for a bad service name or empty image", () => {
    const result = scoreSchema.safeParse({
      PodmanV0: { services: [{ name: "Web_1", image: "" }] },
    });
    expect(issuesOf(result)).toMatch(/services\[0\]\.name: must be a DNS-1123 label/);
    expect(issuesOf(result)).toMatch(/services\[0\]\.image: must name a container image/);
  });

  it("scoreSchema - rejects an unknown kind by name", () => {
    expect(issuesOf(scoreSchema.safeParse({ DockerV9: {} }))).toBe(
      '(root): unknown score kind "DockerV9" (one of: PodmanV0)',
    );
  });

  it("scoreSchema - requires exactly one kind", () => {
    expect(issuesOf(scoreSchema.safeParse({}))).toBe(
      "(root): must name exactly one score kind (one of: PodmanV0)",
    );
  });

  it("scoreKind - names the kind of a parsed score", () => {
    expect(scoreKind(scoreSchema.parse({ PodmanV0: { services: [web] } }))).toBe("PodmanV0");
  });
});
