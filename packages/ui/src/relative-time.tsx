"use client";
// A moment shown relative to now ("12 s ago"), the exact time on hover, and the
// machine-readable value in <time dateTime>. It keeps moving as time passes.
import type { ReactElement } from "react";
import { cn } from "./cn.js";
import { formatExact, formatRelative } from "./relative-time-format.js";
import { useNow } from "./use-now.js";

export interface RelativeTimeProps {
  /** RFC 3339 / ISO 8601. */
  at: string;
  /** For tests and for rows that already hold a clock; otherwise the shared one. */
  now?: number;
  className?: string;
}

export function RelativeTime({ at, now, className }: RelativeTimeProps): ReactElement {
  const ticking = useNow();
  const atMs = Date.parse(at);
  return (
    // Server and browser render different "now"s; the browser's wins.
    <time
      dateTime={at}
      title={formatExact(atMs)}
      className={cn("whitespace-nowrap", className)}
      suppressHydrationWarning
    >
      {formatRelative(atMs, now ?? ticking)}
    </time>
  );
}
