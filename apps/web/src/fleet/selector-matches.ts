// Which registered devices a label selector picks, by the operator's rule
// (ADR 0009): a selector deployment targets the enrolled, non-disabled Devices
// whose labels match (contracts' matchesSelector). Devices still pending
// approval or disabled match by label but are not targeted; the preview says
// so, so a deployer is not surprised by a smaller count on the deployment.
import { matchesSelector, type DevicePhase, type LabelSelector } from "@fleet/contracts";

/** What selection needs of a Device CR (the Devices page's row has it). */
export interface LabelledDevice {
  id: string;
  labels: Readonly<Record<string, string>>;
  phase: DevicePhase;
}

/** How many ids a preview names; the count is always exact. */
export const PREVIEW_EXAMPLES = 5;

export interface SelectorPreview {
  /** Enrolled, non-disabled devices whose labels match: what a deployment would target now. */
  targeted: number;
  /** Matching devices left out: pending approval or disabled. */
  notTargeted: number;
  /** A few targeted ids, sorted, for the form to show. */
  examples: string[];
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The ids whose labels match, sorted; only the targeted ones when `targetedOnly`. */
export function matchingIds(
  selector: LabelSelector,
  devices: readonly LabelledDevice[],
  targetedOnly: boolean,
): string[] {
  return devices
    .filter((d) => (!targetedOnly || d.phase === "Enrolled") && matchesSelector(selector, d.labels))
    .map((d) => d.id)
    .sort(byId);
}

export function selectorPreview(
  selector: LabelSelector,
  devices: readonly LabelledDevice[],
): SelectorPreview {
  const matching = devices.filter((d) => matchesSelector(selector, d.labels));
  const targeted = matching
    .filter((d) => d.phase === "Enrolled")
    .map((d) => d.id)
    .sort(byId);
  return {
    targeted: targeted.length,
    notTargeted: matching.length - targeted.length,
    examples: targeted.slice(0, PREVIEW_EXAMPLES),
  };
}
