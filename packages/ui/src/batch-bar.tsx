// One rollout batch as a stacked bar: updated, failed and deferred devices of
// the batch, the rest still updating (or not started). The numbers are the
// caller's text next to it, so state never relies on colour alone.
import type { ReactElement } from "react";

export interface BatchCounts {
  /** Devices in the batch. */
  devices: number;
  updated: number;
  failed: number;
  deferred: number;
}

const segments = [
  { key: "updated", color: "bg-emerald-500" },
  { key: "failed", color: "bg-red-500" },
  { key: "deferred", color: "bg-slate-400" },
] as const;

export function BatchBar({
  counts,
  active = false,
}: {
  counts: BatchCounts;
  /** Striped rest: the batch is running now. */
  active?: boolean;
}): ReactElement {
  const total = Math.max(counts.devices, counts.updated + counts.failed + counts.deferred);
  return (
    <div
      className="flex h-2 min-w-32 overflow-hidden rounded bg-slate-100"
      aria-hidden="true"
      data-active={active ? "true" : undefined}
    >
      {total > 0 &&
        segments.map((s) => (
          <div
            key={s.key}
            className={s.color}
            style={{ width: `${(counts[s.key] / total) * 100}%` }}
          />
        ))}
      {active && total > 0 && <div className="flex-1 animate-pulse bg-amber-300" />}
    </div>
  );
}
