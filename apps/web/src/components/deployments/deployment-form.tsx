"use client";
// New deployment: name, namespace, targets (devices picked from the fleet, or
// a label selector with a live count of what it matches), image and ports,
// optional rollout settings, plus a one-click "Deploy nginx". Errors appear at
// their field.
import { labelSelectorSchema, type LabelSelector } from "@fleet/contracts";
import { FormField } from "@fleet/ui";
import { useState, type ReactElement, type ReactNode } from "react";
import { NGINX_PRESET } from "../../deployments/inputs";
import {
  initialValues,
  readSelector,
  validate,
  type FieldErrors,
  type FormValues,
  type Targeting,
} from "../../deployments/form-model";
import type { CreateDeploymentInput } from "../../deployments/inputs";
import { bindFields } from "../field-binding";
import { DevicePicker } from "./device-picker";
import { RolloutFields } from "./rollout-fields";
import { SelectorField } from "./selector-field";

export interface DeploymentFormViewProps {
  devices: readonly { deviceId: string; online: boolean }[];
  onSubmit: (input: CreateDeploymentInput) => void;
  pending: boolean;
  /** Errors from the server (e.g. 403, 409), by field or for the whole form. */
  serverErrors?: FieldErrors | undefined;
  /** The live match count of a selector (undefined: nothing valid is written yet). */
  selectorPreview?: (selector: LabelSelector | undefined) => ReactNode;
}

/** The selector to preview: only one the contracts accept, so the server is never asked about a typo. */
function previewable(values: FormValues): LabelSelector | undefined {
  const reading = readSelector(values);
  if (!reading.ok) return undefined;
  const checked = labelSelectorSchema.safeParse(reading.selector);
  return checked.success ? checked.data : undefined;
}

export function DeploymentFormView({
  devices,
  onSubmit,
  pending,
  serverErrors,
  selectorPreview,
}: DeploymentFormViewProps): ReactElement {
  const [values, setValues] = useState<FormValues>(initialValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const shown = { ...serverErrors, ...errors };
  const field = bindFields(values, setValues);
  const submit = (candidate: FormValues): void => {
    setValues(candidate);
    const result = validate(candidate);
    setErrors(result.ok ? {} : result.errors);
    if (result.ok) onSubmit(result.input);
  };
  const deployNginx = (): void => {
    // One click: the preset image and ports on the selector, the chosen devices, or every online one.
    const targets =
      values.targeting === "selector" || values.targetDevices.length > 0
        ? values.targetDevices
        : devices.filter((d) => d.online).map((d) => d.deviceId);
    submit({
      ...values,
      image: NGINX_PRESET.image,
      hostPort: String(NGINX_PRESET.hostPort),
      containerPort: String(NGINX_PRESET.containerPort),
      targetDevices: targets,
    });
  };
  return (
    <form
      noValidate
      className="flex max-w-3xl flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        submit(values);
      }}
    >
      <div className="flex items-center gap-3 rounded border border-sky-200 bg-sky-50 p-3">
        <button
          type="button"
          disabled={pending}
          onClick={deployNginx}
          className="rounded bg-sky-700 px-4 py-2 font-medium text-white disabled:opacity-50"
        >
          Deploy nginx
        </button>
        <p className="text-sm text-slate-700">
          {NGINX_PRESET.image}, host port {NGINX_PRESET.hostPort} → {NGINX_PRESET.containerPort}, on
          the selected devices or selector (or every online device).
        </p>
      </div>
      <div className="grid grid-cols-2 gap-4">
        <FormField label="Name" name="name" {...field.text("name")} error={shown.name} />
        <FormField
          label="Namespace"
          name="namespace"
          {...field.text("namespace")}
          error={shown.namespace}
        />
        <FormField
          label="Image"
          name="image"
          {...field.text("image")}
          error={shown.image}
          className="col-span-2"
        />
        <FormField
          label="Host port"
          name="hostPort"
          inputMode="numeric"
          {...field.text("hostPort")}
          error={shown.hostPort}
          hint="Leave both ports blank to publish none."
        />
        <FormField
          label="Container port"
          name="containerPort"
          inputMode="numeric"
          {...field.text("containerPort")}
          error={shown.containerPort}
        />
      </div>
      <fieldset className="flex gap-4 text-sm">
        <legend className="mb-1 text-sm font-medium text-slate-800">Target</legend>
        {(
          [
            ["devices", "Devices by name"],
            ["selector", "Devices by label selector"],
          ] as const satisfies readonly (readonly [Targeting, string])[]
        ).map(([targeting, label]) => (
          <label key={targeting} className="flex items-center gap-1">
            <input
              type="radio"
              name="targeting"
              checked={values.targeting === targeting}
              onChange={() => {
                setValues({ ...values, targeting });
              }}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {values.targeting === "devices" ? (
        <DevicePicker
          devices={devices}
          selected={values.targetDevices}
          onChange={(targetDevices) => {
            setValues({ ...values, targetDevices });
          }}
          error={shown.targetDevices}
        />
      ) : (
        <SelectorField
          mode={values.selectorMode}
          text={values.selectorText}
          rows={values.labelRows}
          onMode={(selectorMode) => {
            setValues({ ...values, selectorMode });
          }}
          onText={(selectorText) => {
            setValues({ ...values, selectorText });
          }}
          onRows={(labelRows) => {
            setValues({ ...values, labelRows });
          }}
          error={shown.targetSelector}
          preview={selectorPreview?.(previewable(values))}
        />
      )}
      <RolloutFields
        values={values.rollout}
        onChange={(rollout) => {
          setValues({ ...values, rollout });
        }}
        errors={shown}
      />
      {shown.form && (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
          {shown.form}
        </p>
      )}
      <div>
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-slate-800 px-4 py-2 text-white disabled:opacity-50"
        >
          {pending ? "Creating…" : "Create deployment"}
        </button>
      </div>
    </form>
  );
}
