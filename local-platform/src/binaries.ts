// Builds the pinned servers from their Go modules and caches the binaries.
//
// A build is skipped when a stamp (hash of go.mod, go.sum, flags and the Go
// version) matches: a warm `up` costs nothing, and changing a pin rebuilds.
// `up` (and so the demo) builds only what it runs; helm is for the chart tests,
// toxiproxy for the fault suite (and `up` when asked to run it).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findGo, goVersionOf } from "./go-toolchain.js";
import type { Layout } from "./layout.js";
import type { Progress } from "./progress.js";
import { runGoBuild } from "./go-build.js";
import {
  HELM_VERSION,
  KUBERNETES_VERSION,
  NATS_CLI_VERSION,
  TOXIPROXY_VERSION,
} from "./versions.js";

/**
 * "platform": `up` runs it (the hand-off menu names kubectl and nats); "chart-tests": only they
 * need it; "fault-tests": the fault suite, and `up` when asked for Toxiproxy.
 */
export type BinaryUse = "platform" | "chart-tests" | "fault-tests";

export interface BinarySet {
  /** Folder under local-platform/go holding the pinning go.mod. */
  module: string;
  /** Output binary name → Go main package; one `go build` builds them all. */
  binaries: Record<string, string>;
  ldflags: string[];
  use: BinaryUse;
  /**
   * The estimate until this machine has built it once: a cold build on 2 cores
   * (measured with the module cache warm: etcd 47 s, nats 41 s, kube 214 s),
   * plus time for a fresh machine to download the modules.
   */
  coldBuildSeconds: number;
}

const kubeMinor = KUBERNETES_VERSION.split(".")[1] ?? "";
const componentVersion = "k8s.io/component-base/version";

export const BINARY_SETS: readonly BinarySet[] = [
  {
    module: "etcd",
    binaries: { etcd: "go.etcd.io/etcd/server/v3" },
    ldflags: [],
    use: "platform",
    coldBuildSeconds: 90,
  },
  {
    module: "nats",
    binaries: {
      "nats-server": "github.com/nats-io/nats-server/v2",
      nats: "github.com/nats-io/natscli/nats",
    },
    ldflags: [`-X main.version=${NATS_CLI_VERSION}`],
    use: "platform",
    coldBuildSeconds: 70,
  },
  {
    module: "helm",
    binaries: { helm: "helm.sh/helm/v4/cmd/helm" },
    ldflags: [`-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`],
    use: "chart-tests",
    coldBuildSeconds: 221,
  },
  {
    module: "toxiproxy",
    binaries: { "toxiproxy-server": "github.com/Shopify/toxiproxy/v2/cmd/server" },
    ldflags: [`-X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION}`],
    use: "fault-tests",
    // Measured here with the module cache warm: 10 s.
    coldBuildSeconds: 30,
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
    use: "platform",
    coldBuildSeconds: 300,
  },
];

/** The sets a caller needs: "platform" for `up`, "all" for `platform build` (`npm test`). */
export function binarySetsFor(which: BinaryUse | "all"): BinarySet[] {
  return BINARY_SETS.filter((set) => which === "all" || set.use === which);
}

async function stampFor(set: BinarySet, layout: Layout, goVersion: string): Promise<string> {
  const dir = join(layout.goModulesDir, set.module);
  const hash = createHash("sha256");
  hash.update(await readFile(join(dir, "go.mod")));
  hash.update(await readFile(join(dir, "go.sum")));
  hash.update(JSON.stringify([set.binaries, set.ldflags, goVersion]));
  return hash.digest("hex");
}

export interface EnsureBinariesOptions {
  /** Which sets to build; by default what `up` runs ("platform", and Toxiproxy when the layout runs it). */
  which?: BinaryUse | "all";
  /** Aborting kills the builds in progress. */
  signal?: AbortSignal;
}

/** Ensures the pinned binaries are built; returns the folder that holds them. */
export async function ensureBinaries(
  layout: Layout,
  progress: Progress,
  options: EnsureBinariesOptions = {},
): Promise<string> {
  await mkdir(layout.binDir, { recursive: true });
  await mkdir(layout.logDir, { recursive: true });
  const go = await findGo();
  const goVersion = await goVersionOf(go);
  // One build at a time. Measured here (etcd, then nats-server + nats, each pair
  // with an empty GOCACHE): in the quietest pair (load 2-5) one after the other
  // took 88 s, side by side 102 s. One go build already keeps ~1.7 of the 2
  // cores busy, and side by side both compile the standard library and shared
  // packages (+20% CPU). Under load from other work it went both ways (side by
  // side 95-176 s, one after the other 150-169 s). All pairs: docs/performance.md.
  const sets =
    options.which !== undefined
      ? binarySetsFor(options.which)
      : [...binarySetsFor("platform"), ...(layout.toxiproxy ? binarySetsFor("fault-tests") : [])];
  for (const set of sets) {
    const stampFile = join(layout.binDir, `.stamp-${set.module}`);
    const stamp = await stampFor(set, layout, goVersion);
    const names = Object.keys(set.binaries);
    const cached =
      existsSync(stampFile) &&
      (await readFile(stampFile, "utf8")) === stamp &&
      names.every((name) => existsSync(join(layout.binDir, name)));
    if (cached) {
      progress.info(`${names.join(", ")}: cached`);
      continue;
    }
    const log = join(layout.logDir, `build-${set.module}.log`);
    await progress.step(
      `build ${names.join(", ")} from Go modules (log ${log})`,
      () =>
        runGoBuild({
          go,
          moduleDir: join(layout.goModulesDir, set.module),
          binaries: set.binaries,
          ldflags: set.ldflags,
          outDir: layout.binDir,
          log,
          ...(options.signal !== undefined && { signal: options.signal }),
        }),
      { estimate: { key: `build-${set.module}`, guessSeconds: set.coldBuildSeconds }, log },
    );
    await writeFile(stampFile, stamp);
  }
  return layout.binDir;
}
