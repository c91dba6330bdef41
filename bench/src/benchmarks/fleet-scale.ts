import type { Benchmark } from "../context.js";
export const fleetScale: Benchmark = () => Promise.resolve([]);
