import type { Benchmark } from "../context.js";
export const dashboard: Benchmark = () => Promise.resolve([]);
