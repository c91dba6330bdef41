// Pure formatting of a moment relative to now ("12 s ago", "3 min ago") and as
// an exact, unambiguous time for hovering.

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function span(seconds: number): string {
  if (seconds < MINUTE) return `${seconds} s`;
  if (seconds < HOUR) return `${Math.floor(seconds / MINUTE)} min`;
  if (seconds < DAY) return `${Math.floor(seconds / HOUR)} h`;
  return `${Math.floor(seconds / DAY)} d`;
}

/**
 * "12 s ago", "3 min ago", "2 h ago", "4 d ago"; "in 5 s" for a moment ahead of
 * now (a clock that runs ahead is shown, not hidden). Whole units, rounded down,
 * so the text never claims something is older than it is.
 */
export function formatRelative(atMs: number, nowMs: number): string {
  if (!Number.isFinite(atMs)) return "unknown time";
  const seconds = Math.round((nowMs - atMs) / 1000);
  if (seconds < 0) return `in ${span(-seconds)}`;
  return `${span(seconds)} ago`;
}

/** The exact moment, to the second, with its time zone ("1 Jan 2026, 12:00:03 UTC"). */
export function formatExact(atMs: number, timeZone?: string): string {
  if (!Number.isFinite(atMs)) return "unknown time";
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "long",
    ...(timeZone !== undefined && { timeZone }),
  }).format(atMs);
}
