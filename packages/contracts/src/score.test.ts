import { describe, expect, it } from "vitest";
import { formatIssues } from "./errors.js";
import {
  COMMAND_ARG_MAX_LENGTH,
  COMMAND_MAX_ITEMS,
  ENV_MAX_PROPERTIES,
  ENV_NAME_MAX_LENGTH,
  ENV_VALUE_MAX_LENGTH,
  PORTS_MAX_ITEMS,
  SCORE_MAX_BYTES,
  SERVICES_MAX_ITEMS,
} from "./limits.js";
import { hostPortsOf, podmanV0Schema, portMappingSchema, scoreKind, scoreSchema } from "./score.js";

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

  describe("limits", () => {
    const withService = (service: object): unknown => ({
      PodmanV0: { services: [{ ...web, ...service }] },
    });
    const ports = (n: number): object[] =>
      Array.from({ length: n }, (_, i) => ({ hostPort: 10_000 + i, containerPort: 80 }));
    const services = (n: number): object[] =>
      Array.from({ length: n }, (_, i) => ({ name: `s${i}`, image: "nginx" }));
    const env = (n: number): Record<string, string> =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`VAR_${i}`, "x"]));

    // [what, score at the limit, score one over it, field named in the error]
    const table: [string, unknown, unknown, RegExp][] = [
      [
        "services",
        { PodmanV0: { services: services(SERVICES_MAX_ITEMS) } },
        { PodmanV0: { services: services(SERVICES_MAX_ITEMS + 1) } },
        /^PodmanV0\.services: must list at most 64 services$/,
      ],
      [
        "ports",
        withService({ ports: ports(PORTS_MAX_ITEMS) }),
        withService({ ports: ports(PORTS_MAX_ITEMS + 1) }),
        /^PodmanV0\.services\[0\]\.ports: must list at most 128 port mappings$/,
      ],
      [
        "env count",
        withService({ env: env(ENV_MAX_PROPERTIES) }),
        withService({ env: env(ENV_MAX_PROPERTIES + 1) }),
        /^PodmanV0\.services\[0\]\.env: must set at most 256 environment variables$/,
      ],
      [
        "env name length",
        withService({ env: { [`A${"a".repeat(ENV_NAME_MAX_LENGTH - 1)}`]: "x" } }),
        withService({ env: { [`A${"a".repeat(ENV_NAME_MAX_LENGTH)}`]: "x" } }),
        /^PodmanV0\.services\[0\]\.env\.Aa+: must be an environment variable name of at most 256 characters$/,
      ],
      [
        "env value length",
        withService({ env: { BIG: "v".repeat(ENV_VALUE_MAX_LENGTH) } }),
        withService({ env: { BIG: "v".repeat(ENV_VALUE_MAX_LENGTH + 1) } }),
        /^PodmanV0\.services\[0\]\.env\.BIG: must be at most 32768 characters$/,
      ],
      [
        "command items",
        withService({ command: Array.from({ length: COMMAND_MAX_ITEMS }, () => "x") }),
        withService({ command: Array.from({ length: COMMAND_MAX_ITEMS + 1 }, () => "x") }),
        /^PodmanV0\.services\[0\]\.command: must list at most 256 items$/,
      ],
      [
        "command item length",
        withService({ command: ["sh", "-c", "s".repeat(COMMAND_ARG_MAX_LENGTH)] }),
        withService({ command: ["sh", "-c", "s".repeat(COMMAND_ARG_MAX_LENGTH + 1)] }),
        /^PodmanV0\.services\[0\]\.command\[2\]: must be at most 32768 characters$/,
      ],
    ];

    for (const [what, atLimit, over, message] of table) {
      it(`scoreSchema - ${what}: accepted at the limit, refused one over it, naming the field`, () => {
        const ok = scoreSchema.safeParse(atLimit);
        expect(ok.success, ok.success ? "" : formatIssues(ok.error)).toBe(true);
        expect(issuesOf(scoreSchema.safeParse(over))).toMatch(message);
      });
    }

    it("scoreSchema - env names follow Kubernetes' rule", () => {
      for (const name of ["PATH", "_x", "my.setting", "a-b", "JAVA_OPTS"]) {
        expect(scoreSchema.safeParse(withService({ env: { [name]: "v" } })).success, name).toBe(
          true,
        );
      }
      for (const name of ["", "1ABC", "A=B", "A B", "A\u0000", "ÄRGER"]) {
        expect(
          issuesOf(scoreSchema.safeParse(withService({ env: { [name]: "v" } }))),
          name,
        ).toMatch(/must be an environment variable name/);
      }
    });

    it("scoreSchema - a score over SCORE_MAX_BYTES as JSON is refused with its size", () => {
      // Every field within its own limit, the sum over the total.
      const big = Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [`V${i}`, "v".repeat(ENV_VALUE_MAX_LENGTH)]),
      );
      const many = Array.from({ length: 2 }, (_, i) => ({
        name: `s${i}`,
        image: "nginx",
        env: big,
      }));
      expect(issuesOf(scoreSchema.safeParse({ PodmanV0: { services: many } }))).toMatch(
        new RegExp(
          `^\\(root\\): is \\d+ bytes as JSON; a score may be at most ${SCORE_MAX_BYTES} bytes$`,
        ),
      );
      expect(scoreSchema.safeParse({ PodmanV0: { services: many.slice(0, 1) } }).success).toBe(
        true,
      );
    });

    it("podmanServiceSchema - a malformed image is refused at the image field", () => {
      expect(issuesOf(scoreSchema.safeParse(withService({ image: "nginx latest" })))).toMatch(
        /^PodmanV0\.services\[0\]\.image: must be an image reference/,
      );
    });
  });
});

describe("hostPortsOf", () => {
  it("lists every service's host ports with their protocol", () => {
    const score = scoreSchema.parse({
      PodmanV0: {
        services: [
          { name: "web", image: "nginx:1", ports: [{ hostPort: 8080, containerPort: 80 }] },
          {
            name: "dns",
            image: "coredns:1",
            ports: [{ hostPort: 53, containerPort: 53, protocol: "UDP" }],
          },
        ],
      },
    });
    expect(hostPortsOf(score)).toEqual(["8080/TCP", "53/UDP"]);
  });
});
