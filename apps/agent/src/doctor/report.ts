// The doctor's report as a person reads it: one line per check, ✓ or ✗, the
// check's name and what was seen or why it failed; then one summary line.
import type { CheckResult } from "./checklist.js";

const MARK: Record<CheckResult["status"], string> = { pass: "✓", fail: "✗", "not-run": "✗" };

export function formatCheck(result: CheckResult): string {
  // One line per check, whatever the reason's text holds.
  const detail = result.detail.replace(/\s*\n\s*/g, " ").trim();
  return `${MARK[result.status]} ${result.name}: ${detail}`;
}

export function formatSummary(results: readonly CheckResult[]): string {
  const failed = results.filter((result) => result.status === "fail").length;
  const notRun = results.filter((result) => result.status === "not-run").length;
  if (failed === 0 && notRun === 0) return `all ${results.length} checks passed`;
  const parts = [
    ...(failed === 0 ? [] : [`${failed} failed`]),
    ...(notRun === 0 ? [] : [`${notRun} not run`]),
  ];
  return `${parts.join(", ")} of ${results.length} checks`;
}

export function formatReport(results: readonly CheckResult[]): string {
  return `${[...results.map(formatCheck), formatSummary(results)].join("\n")}\n`;
}
