// A stacked bar of a deployment's aggregate counts, with the numbers as text.
import type { ReactElement } from "react";

export interface PhaseCounts {
  succeeded: number;
  failed: number;
  pending: number;
  unreported: number;
}

const segments = [
  { key: "succeeded", label: "succeeded", color: "bg-emerald-500" },
  { key: "failed", label: "failed", color: "bg-red-500" },
  { key: "pending", label: "pending", color: "bg-amber-400" },
  { key: "unreported", label: "unreported", color: "bg-slate-300" },
] as const;

export function PhaseBar({ counts }: { counts: PhaseCounts }): ReactElement {
  const total = segments.reduce((sum, s) => sum + counts[s.key], 0);
  return (
    <div className="flex min-w-48 flex-col gap-1">
      <div className="flex h-2 overflow-hidden rounded bg-slate-100" aria-hidden="true">
        {total > 0 &&
          segments.map((s) => (
            <div
              key={s.key}
              className={s.color}
              style={{ width: `${(counts[s.key] / total) * 100}%` }}
            />
          ))}
      </div>
      <p className="text-xs text-slate-600">
        {segments.map((s) => `${counts[s.key]} ${s.label}`).join(" · ")}
      </p>
    </div>
  );
}
