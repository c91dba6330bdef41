import { describe, expect, it } from "vitest";
import { goArch } from "./arch.js";

describe("goArch", () => {
  it("names the machines of a fleet as Kubernetes and images do", () => {
    expect(goArch("x86_64")).toBe("amd64");
    expect(goArch("aarch64")).toBe("arm64"); // a Raspberry Pi on a 64-bit OS
    expect(goArch("armv7l")).toBe("arm"); // a Pi on a 32-bit OS
    expect(goArch("armv6l")).toBe("arm"); // a Pi Zero
  });

  it("keeps a machine it does not know as the kernel says it", () => {
    expect(goArch("sparc64")).toBe("sparc64");
  });
});
