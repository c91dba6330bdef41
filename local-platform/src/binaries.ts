// Builds the pinned servers from their Go modules and caches the binaries.
//
// A build is skipped when a stamp (hash of go.mod, go.sum, flags and the Go
// version) matches: a warm `up` costs nothing, and changing a pin rebuilds.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { findGo } from "./go-toolchain.js";
import type { Layout } from "./layout.js";
import type { Progress } from "./progress.js";
import { HELM_VERSION, KUBERNETES_VERSION, NATS_CLI_VERSION } from "./versions.js";

interface BinarySet {
  /** Folder under local-platform/go holding the pinning go.mod. */
  module: string;
  /** Output binary name → Go main package. */
  binaries: Record<string, string>;
  ldflags: string[];
}

const kubeMinor = KUBERNETES_VERSION.split(".")[1] ?? "";
const componentVersion = "k8s.io/component-base/version";

export const BINARY_SETS: readonly BinarySet[] = [
  {
    module: "etcd",
    binaries: { etcd: "go.etcd.io/etcd/server/v3" },
    ldflags: [],
  },
  {
    module: "nats",
    binaries: {
      "nats-server": "github.com/nats-io/nats-server/v2",
      nats: "github.com/nats-io/natscli/nats",
    },
    ldflags: [`-X main.version=${NATS_CLI_VERSION}`],
  },
  {
    module: "helm",
    binaries: { helm: "helm.sh/helm/v4/cmd/helm" },
    ldflags: [`-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`],
  },
  {
    module: "kube",
    binaries: {
      "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
      kubectl: "k8s.io/kubernetes/cmd/kubectl",
    },
    // Without these, clients see v0.0.0 and refuse version-gated features.
    ldflags: [
      `-X ${componentVersion}.gitVersion=${KUBERNETES_VERSION}`,
      `-X ${componentVersion}.gitMajor=1`,
      `-X ${componentVersion}.gitMinor=${kubeMinor}`,
      `-X ${componentVersion}.gitTreeState=clean`,
    ],
  },
];

async function stampFor(set: BinarySet, layout: Layout, goVersion: string): Promise<string> {
  const dir = join(layout.goModulesDir, set.module);
  const hash = createHash("sha256");
  hash.update(await readFile(join(dir, "go.mod")));
  hash.update(await readFile(join(dir, "go.sum")));
  hash.update(JSON.stringify([set.binaries, set.ldflags, goVersion]));
  return hash.digest("hex");
}

async function buildSet(
  set: BinarySet,
  layout: Layout,
  go: string,
  goVersion: string,
  progress: Progress,
): Promise<void> {
  const stampFile = join(layout.binDir, `.stamp-${set.module}`);
  const stamp = await stampFor(set, layout, goVersion);
  const names = Object.keys(set.binaries);
  const cached =
    existsSync(stampFile) &&
    (await readFile(stampFile, "utf8")) === stamp &&
    names.every((name) => existsSync(join(layout.binDir, name)));
  if (cached) {
    progress.info(`${names.join(", ")}: cached`);
    return;
  }
  await progress.step(
    `build ${names.join(", ")} from Go modules (minutes on a cold cache)`,
    async () => {
      for (const [name, pkg] of Object.entries(set.binaries)) {
        await execa(
          go,
          [
            "build",
            "-trimpath",
            "-ldflags",
            ["-s", "-w", ...set.ldflags].join(" "),
            "-o",
            join(layout.binDir, name),
            pkg,
          ],
          { cwd: join(layout.goModulesDir, set.module), stdio: ["ignore", "inherit", "inherit"] },
        );
      }
    },
  );
  await writeFile(stampFile, stamp);
}

/** Ensures every pinned binary is built; returns the folder that holds them. */
export async function ensureBinaries(layout: Layout, progress: Progress): Promise<string> {
  await mkdir(layout.binDir, { recursive: true });
  const go = await findGo();
  const goVersion = (await execa(go, ["env", "GOVERSION"])).stdout.trim();
  for (const set of BINARY_SETS) {
    await buildSet(set, layout, go, goVersion, progress);
  }
  return layout.binDir;
}
