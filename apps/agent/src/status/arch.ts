// The inventory's `arch` in the names Kubernetes and container images use
// (GOARCH: amd64, arm64, arm), not the kernel's (x86_64, aarch64, armv7l).
// Those are the names a user writes in a label (`kubernetes.io/arch`) and in
// an image's platform (`linux/arm64`), so the fleet speaks one vocabulary.
// See docs/adr/0011-inventory-arch-names.md.

/** `uname -m` values by their GOARCH name; a machine not listed is reported as the kernel says it. */
const GOARCH_BY_MACHINE: Readonly<Record<string, string>> = {
  x86_64: "amd64",
  amd64: "amd64",
  aarch64: "arm64",
  arm64: "arm64",
  aarch64_be: "arm64be",
  armv6l: "arm",
  armv7l: "arm",
  armv8l: "arm",
  i386: "386",
  i686: "386",
  riscv64: "riscv64",
  ppc64le: "ppc64le",
  s390x: "s390x",
  loongarch64: "loong64",
  mips64: "mips64",
};

/** The GOARCH name of a `uname -m` machine (os.machine()). */
export function goArch(machine: string): string {
  return GOARCH_BY_MACHINE[machine] ?? machine;
}
