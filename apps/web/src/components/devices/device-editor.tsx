"use client";
// The editor above the devices table, opened from a row: approve a pending
// enrollment (optionally adding labels), or replace a device's labels. The
// labels are checked with the contracts' schema before the request; the
// server's answer lands on the field it is about, or under the form.
import { FormField } from "@fleet/ui";
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import { labelsText, validateLabels } from "../../devices/form-model";
import { useTRPC } from "../../trpc/react";
import { serverErrorsOf } from "../../trpc/server-errors";
import type { DeviceEdit } from "./device-actions";

export interface LabelsFormViewProps {
  /** The form's accessible name, e.g. "Approve pi-7". */
  title: string;
  /** The field's label. */
  field: string;
  initial: string;
  hint: string;
  submit: string;
  pending: boolean;
  /** The server's refusal: for the labels field, or the whole form. */
  serverError?: { labels?: string | undefined; form?: string | undefined } | undefined;
  onSubmit: (labels: Record<string, string>) => void;
  onCancel: () => void;
  children?: ReactElement | undefined;
}

export function LabelsFormView(props: LabelsFormViewProps): ReactElement {
  const [text, setText] = useState(props.initial);
  const [error, setError] = useState<string | undefined>(undefined);
  const labelsError = error ?? props.serverError?.labels;
  return (
    <form
      noValidate
      aria-label={props.title}
      className="flex flex-col gap-2 rounded border border-slate-300 bg-white p-3"
      onSubmit={(event) => {
        event.preventDefault();
        const result = validateLabels(text);
        setError(result.ok ? undefined : result.error);
        if (result.ok) props.onSubmit(result.labels);
      }}
    >
      <h2 className="text-sm font-semibold">{props.title}</h2>
      {props.children}
      <div className="flex flex-wrap items-start gap-3">
        <FormField
          label={props.field}
          name="labels"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
          }}
          error={labelsError}
          hint={props.hint}
          className="min-w-72 flex-1"
        />
        <div className="flex gap-2 pt-6">
          <button
            type="submit"
            disabled={props.pending}
            className="rounded bg-slate-800 px-4 py-1.5 text-sm text-white disabled:opacity-50"
          >
            {props.submit}
          </button>
          <button type="button" className="text-sm underline" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </div>
      {props.serverError?.form && (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
          {props.serverError.form}
        </p>
      )}
    </form>
  );
}

/** A failed call: field errors under "labels.<key>" go to the field (naming the label), the rest to the form. */
function serverError(error: unknown): LabelsFormViewProps["serverError"] {
  const server = serverErrorsOf(error);
  if (!server) return undefined;
  const labels = Object.entries(server.fieldErrors ?? {}).find(([path]) =>
    path.startsWith("labels"),
  );
  if (labels === undefined) return { form: server.message };
  const key = labels[0].split(".").slice(1).join(".");
  return { labels: key === "" ? labels[1] : `${key}: ${labels[1]}` };
}

export function DeviceEditor({
  edit,
  onDone,
  onNotice,
}: {
  edit: DeviceEdit;
  onDone: () => void;
  onNotice: (text: string) => void;
}): ReactElement {
  const trpc = useTRPC();
  const { device } = edit;
  const finished = (text: string) => (): void => {
    onNotice(text);
    onDone();
  };
  const approve = useMutation(
    trpc.devices.approve.mutationOptions({
      onSuccess: finished(`Device ${device.id} approved; its identity is being issued.`),
    }),
  );
  const setLabels = useMutation(
    trpc.devices.setLabels.mutationOptions({
      onSuccess: finished(`Labels of device ${device.id} saved.`),
    }),
  );
  if (edit.kind === "approve") {
    const current = labelsText(device.labels);
    return (
      <LabelsFormView
        title={`Approve ${device.id}`}
        field="Labels to add"
        initial=""
        hint={`key=value, comma-separated (optional); it has ${current === "" ? "no labels" : current}`}
        submit="Approve"
        pending={approve.isPending}
        serverError={serverError(approve.error)}
        onSubmit={(labels) => {
          approve.mutate({ id: device.id, labels });
        }}
        onCancel={onDone}
      >
        {device.enrollment && (
          <p className="text-sm text-slate-600">
            Enrolled with token <code>{device.enrollment.token}</code> at{" "}
            {device.enrollment.requestedAt}. Approving issues its identity for the key it generated
            itself.
          </p>
        )}
      </LabelsFormView>
    );
  }
  return (
    <LabelsFormView
      title={`Labels of ${device.id}`}
      field="Labels"
      initial={labelsText(device.labels)}
      hint="key=value, comma-separated; deployments that select on them follow"
      submit="Save labels"
      pending={setLabels.isPending}
      serverError={serverError(setLabels.error)}
      onSubmit={(labels) => {
        setLabels.mutate({ id: device.id, labels, previousLabels: device.labels });
      }}
      onCancel={onDone}
    />
  );
}
