// Small coloured pills with text, so state never relies on colour alone.
import type { ReactElement } from "react";
import { cn } from "./cn.js";

export type Tone = "good" | "bad" | "warn" | "neutral";

const tones: Record<Tone, string> = {
  good: "bg-emerald-100 text-emerald-800 ring-emerald-600/20",
  bad: "bg-red-100 text-red-800 ring-red-600/20",
  warn: "bg-amber-100 text-amber-800 ring-amber-600/20",
  neutral: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

export function Badge({ tone, children }: { tone: Tone; children: string }): ReactElement {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[tone],
      )}
    >
      {children}
    </span>
  );
}

export function OnlineBadge({ online }: { online: boolean }): ReactElement {
  return <Badge tone={online ? "good" : "bad"}>{online ? "online" : "offline"}</Badge>;
}

const phaseTones: Record<string, Tone> = {
  Running: "good",
  Failed: "bad",
  Pending: "warn",
};

/** A deployment phase on a device; anything unknown is shown neutral with its own name. */
export function PhaseBadge({ phase }: { phase: string }): ReactElement {
  return <Badge tone={phaseTones[phase] ?? "neutral"}>{phase}</Badge>;
}
