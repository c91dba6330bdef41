// One runtime per score kind. `Runtimes` is keyed by every kind in contracts'
// SCORE_KINDS, so a kind added there without a runtime here fails to compile.
import { SCORE_KINDS, type ScoreKind } from "@fleet/contracts";
import { podmanV0Runtime } from "./podman-v0/runtime.js";
import type { RuntimeDeps, ScoreRuntime } from "./score-runtime.js";

export type Runtimes = { readonly [K in ScoreKind]: ScoreRuntime<K> };

export function createRuntimes(deps: RuntimeDeps): Runtimes {
  return { PodmanV0: podmanV0Runtime(deps) };
}

/** Every runtime, in SCORE_KINDS order. */
export function runtimeList(runtimes: Runtimes): ScoreRuntime<ScoreKind>[] {
  return SCORE_KINDS.map((kind) => runtimes[kind]);
}
