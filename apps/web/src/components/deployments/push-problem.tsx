// Says so when pushed CR changes stopped arriving (the page would otherwise go
// quietly stale); nothing while they flow.
import type { ReactElement } from "react";
import type { PushState } from "./use-live-deployments";

export function PushProblem({
  push,
  what,
}: {
  push: PushState;
  what: string;
}): ReactElement | null {
  if (push.status !== "error") return null;
  return (
    <p role="alert" className="rounded bg-amber-100 px-2 py-1 text-sm text-amber-900">
      {what} are no longer arriving{push.error ? ` (${push.error})` : ""}. Reload the page to try
      again.
    </p>
  );
}
