"use client";
// New deployment: name, namespace, targets picked from the fleet, image and
// ports, plus a one-click "Deploy nginx". Errors appear at their field.
import { FormField } from "@fleet/ui";
import { useState, type ReactElement } from "react";
import { NGINX_PRESET } from "../../deployments/inputs";
import {
  initialValues,
  validate,
  type FieldErrors,
  type FormValues,
} from "../../deployments/form-model";
import type { CreateDeploymentInput } from "../../deployments/inputs";
import { DevicePicker } from "./device-picker";

export interface DeploymentFormViewProps {
  devices: readonly { deviceId: string; online: boolean }[];
  onSubmit: (input: CreateDeploymentInput) => void;
  pending: boolean;
  /** Errors from the server (e.g. 403, 409), by field or for the whole form. */
  serverErrors?: FieldErrors | undefined;
}

export function DeploymentFormView({
  devices,
  onSubmit,
  pending,
  serverErrors,
}: DeploymentFormViewProps): ReactElement {
  const [values, setValues] = useState<FormValues>(initialValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const shown = { ...serverErrors, ...errors };
  const set = (field: keyof FormValues) => (event: { target: { value: string } }) => {
    setValues({ ...values, [field]: event.target.value });
  };
  const submit = (candidate: FormValues): void => {
    setValues(candidate);
    const result = validate(candidate);
    setErrors(result.ok ? {} : result.errors);
    if (result.ok) onSubmit(result.input);
  };
  const deployNginx = (): void => {
    // One click: the preset image and ports on the chosen devices, or on every online one.
    const targets =
      values.targetDevices.length > 0
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
          the selected devices (or every online device).
        </p>
      </div>
      <div className="grid grid-cols-2 gap-4">
        <FormField
          label="Name"
          name="name"
          value={values.name}
          onChange={set("name")}
          error={shown.name}
        />
        <FormField
          label="Namespace"
          name="namespace"
          value={values.namespace}
          onChange={set("namespace")}
          error={shown.namespace}
        />
        <FormField
          label="Image"
          name="image"
          value={values.image}
          onChange={set("image")}
          error={shown.image}
          className="col-span-2"
        />
        <FormField
          label="Host port"
          name="hostPort"
          inputMode="numeric"
          value={values.hostPort}
          onChange={set("hostPort")}
          error={shown.hostPort}
        />
        <FormField
          label="Container port"
          name="containerPort"
          inputMode="numeric"
          value={values.containerPort}
          onChange={set("containerPort")}
          error={shown.containerPort}
        />
      </div>
      <DevicePicker
        devices={devices}
        selected={values.targetDevices}
        onChange={(targetDevices) => {
          setValues({ ...values, targetDevices });
        }}
        error={shown.targetDevices}
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
