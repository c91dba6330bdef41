"use client";
// The Devices page's filter: a label selector (kubectl syntax, parsed with the
// contracts' parser, its error under the field) and a phase.
import { DEVICE_PHASES, type DevicePhase } from "@fleet/contracts";
import { FormField } from "@fleet/ui";
import { useId, type ReactElement } from "react";
import type { DeviceFilterValues } from "../../devices/device-filter";

const isPhase = (value: string): value is DevicePhase =>
  (DEVICE_PHASES as readonly string[]).includes(value);

export function DeviceFilterBar({
  values,
  error,
  onChange,
}: {
  values: DeviceFilterValues;
  /** The selector's problem, e.g. "label selector: expected ... (at character 7)". */
  error?: string | undefined;
  onChange: (values: DeviceFilterValues) => void;
}): ReactElement {
  const phaseId = useId();
  return (
    <div role="search" aria-label="Filter devices" className="flex flex-wrap items-start gap-3">
      <FormField
        label="Label selector"
        name="selector"
        value={values.selector}
        placeholder="site=berlin,tier in (edge,core),!legacy"
        onChange={(event) => {
          onChange({ ...values, selector: event.target.value });
        }}
        error={error}
        hint="kubectl syntax; empty shows every device"
        className="min-w-72 flex-1"
      />
      <div className="flex flex-col gap-1">
        <label htmlFor={phaseId} className="text-sm font-medium text-slate-800">
          Phase
        </label>
        <select
          id={phaseId}
          name="phase"
          value={values.phase}
          onChange={(event) => {
            const { value } = event.target;
            onChange({ ...values, phase: isPhase(value) ? value : "" });
          }}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        >
          <option value="">All phases</option>
          {DEVICE_PHASES.map((phase) => (
            <option key={phase} value={phase}>
              {phase}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
