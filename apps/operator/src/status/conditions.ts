// Ready / Progressing / Degraded for the CR status: the rules live in
// @fleet/contracts (the dashboard applies the same ones to live heartbeats);
// this adds the standard condition shape. lastTransitionTime moves only when a
// condition's status flips.
import {
  clipMessage,
  conditionDrafts,
  type Aggregate,
  type Condition,
  type SpecProblem,
} from "@fleet/contracts";

export type { SpecProblem } from "@fleet/contracts";

export interface ConditionsInput {
  aggregate: Aggregate | undefined;
  targetCount: number;
  specProblem: SpecProblem | undefined;
  generation: number;
  previous: readonly Condition[];
  /** RFC 3339, used for conditions whose status changes now. */
  now: string;
}

/** Pure: the three standard conditions, keeping lastTransitionTime when status is unchanged. */
export function deploymentConditions(input: ConditionsInput): Condition[] {
  const drafts = conditionDrafts({
    counts: input.aggregate,
    targetCount: input.targetCount,
    specProblem: input.specProblem,
  });
  return drafts.map((draft) => {
    const previous = input.previous.find((c) => c.type === draft.type);
    return {
      ...draft,
      // Clipped like every other text the fold writes, so the status stays within its budget.
      message: clipMessage(draft.message),
      lastTransitionTime:
        previous !== undefined && previous.status === draft.status
          ? previous.lastTransitionTime
          : input.now,
      observedGeneration: input.generation,
    };
  });
}
