import type { Benchmark } from "../context.js";
export const failureDetection: Benchmark = () => Promise.resolve([]);
