"use client";
// The new-deployment form's optional rollout settings (spec.rollout). Off: a
// new revision reaches every device at once. Each field shows its own error.
import { FormField, SelectField } from "@fleet/ui";
import type { ReactElement } from "react";
import type { FieldErrors } from "../../deployments/form-model";
import type { RolloutFormValues } from "../../deployments/rollout-form";
import { bindFields } from "../field-binding";

const APPROVAL_OPTIONS = [
  ["auto", "Automatic: each batch starts when the one before passes"],
  ["manual", "Manual: a deployer approves each batch after the first"],
] as const;

const ON_FAILURE_OPTIONS = [
  ["rollback", "Roll back: updated devices go back to the stable revision"],
  ["pause", "Pause: stop where it is until a deployer acts"],
] as const;

export function RolloutFields({
  values,
  onChange,
  errors,
}: {
  values: RolloutFormValues;
  onChange: (values: RolloutFormValues) => void;
  errors: FieldErrors;
}): ReactElement {
  const field = bindFields(values, onChange);
  return (
    <fieldset className="flex flex-col gap-3 rounded border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium text-slate-800">Rollout</legend>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="rolloutEnabled"
          checked={values.enabled}
          onChange={(event) => {
            onChange({ ...values, enabled: event.target.checked });
          }}
        />
        Staged rollout: later changes reach the devices batch by batch
      </label>
      {values.enabled && (
        <div className="grid grid-cols-2 gap-4">
          <FormField
            label="Batches"
            name="rolloutBatches"
            {...field.text("batches")}
            error={errors.rolloutBatches}
            placeholder="1,25%,50%"
            hint="Counts or percentages, in order; devices left over form a final batch."
            className="col-span-2"
          />
          <SelectField
            label="Approval"
            name="rolloutApproval"
            {...field.choice("approval", APPROVAL_OPTIONS)}
            error={errors.rolloutApproval}
          />
          <SelectField
            label="On failure"
            name="rolloutOnFailure"
            {...field.choice("onFailure", ON_FAILURE_OPTIONS)}
            error={errors.rolloutOnFailure}
          />
          <FormField
            label="Success threshold (%)"
            name="rolloutSuccessThreshold"
            inputMode="numeric"
            {...field.text("successThreshold")}
            error={errors.rolloutSuccessThreshold}
            hint="Of a batch's reachable devices; offline ones are deferred, not counted."
          />
          <FormField
            label="Batch timeout"
            name="rolloutBatchTimeout"
            {...field.text("batchTimeout")}
            error={errors.rolloutBatchTimeout}
            hint="e.g. 30m; devices still updating then count as failed."
          />
        </div>
      )}
    </fieldset>
  );
}
