import { describe, expect, it } from "vitest";
import { scoreSchema } from "./score.js";
import { servicesOf, withServiceImage } from "./score-services.js";

const score = scoreSchema.parse({
  PodmanV0: {
    services: [
      { name: "web", image: "localhost/web:1", ports: [{ hostPort: 8080, containerPort: 80 }] },
      { name: "db", image: "localhost/db:1", env: { MODE: "x" } },
    ],
  },
});

describe("score services", () => {
  it("servicesOf - a PodmanV0 score's services with their images and ports", () => {
    expect(servicesOf(score).map((s) => [s.name, s.image, s.ports.length])).toEqual([
      ["web", "localhost/web:1", 1],
      ["db", "localhost/db:1", 0],
    ]);
  });

  it("withServiceImage - re-images the named service only, keeping everything else", () => {
    const next = withServiceImage(score, "localhost/db:2", "db");
    expect(servicesOf(next).map((s) => s.image)).toEqual(["localhost/web:1", "localhost/db:2"]);
    expect(next.PodmanV0.services[1]?.env).toEqual({ MODE: "x" });
    expect(servicesOf(score)[1]?.image).toBe("localhost/db:1");
  });

  it("withServiceImage - re-images every service when none is named", () => {
    const next = withServiceImage(score, "localhost/all:9");
    expect(servicesOf(next).map((s) => s.image)).toEqual(["localhost/all:9", "localhost/all:9"]);
  });
});
