// Ready / Not ready, then only the conditions that hold, each with its reason on hover.
import { Badge } from "@fleet/ui";
import type { ReactElement } from "react";
import { shownConditions, type ShownCondition } from "../../deployments/live-conditions";

export function ConditionBadges({
  conditions,
}: {
  conditions: readonly ShownCondition[];
}): ReactElement {
  return (
    <span className="flex flex-wrap gap-1" aria-label="Conditions">
      {shownConditions(conditions).map((c) => (
        <span key={c.type} title={c.message} data-condition={c.type} data-status={String(c.status)}>
          <Badge tone={c.tone}>{c.label}</Badge>
        </span>
      ))}
    </span>
  );
}
