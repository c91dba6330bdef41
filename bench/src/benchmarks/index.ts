// The benchmarks by name, in the order `npm run bench` runs them; the ones in
// ON_REQUEST run only when named (`npm run bench -- soak`).
import type { Benchmark } from "../context.js";
import { authCallout } from "./auth-callout.js";
import { dashboard } from "./dashboard.js";
import { failureDetection } from "./failure-detection.js";
import { fleetScale } from "./fleet-scale.js";
import { fleetSelector } from "./fleet-selector.js";
import { reconcile } from "./reconcile.js";
import { rollout } from "./rollout.js";
import { soak } from "./soak.js";

export const BENCHMARKS: Record<string, Benchmark> = {
  reconcile,
  "failure-detection": failureDetection,
  "fleet-scale": fleetScale,
  "fleet-selector": fleetSelector,
  rollout,
  dashboard,
  "auth-callout": authCallout,
  soak,
};

/** Too long for the default run: 30 minutes of churn. */
export const ON_REQUEST: ReadonlySet<string> = new Set(["soak"]);
