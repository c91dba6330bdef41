"use client";
// "Add device" (deployers): creates an enrollment token (labels for the devices
// it enrolls, expiry, how many devices may use it, auto-approve) and shows its
// text once, inside the exact `iot-agent enroll` command to run on the device.
// The device then appears in the list as PendingApproval (live), unless the
// token approves it itself. Each field's problem is shown under it, named.
import { FormField } from "@fleet/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ReactElement } from "react";
import {
  DEFAULT_ENROLLMENT_VALUES,
  enrollmentFieldFor,
  validateEnrollment,
  type EnrollmentErrors,
} from "../../devices/enrollment-form-model";
import type { CreateEnrollmentTokenInput } from "../../devices/inputs";
import { useTRPC } from "../../trpc/react";
import { formErrorsOf } from "../../trpc/server-errors";
import { useFieldForm } from "../use-field-form";

export interface EnrollmentFormViewProps {
  onSubmit: (input: CreateEnrollmentTokenInput) => void;
  onCancel: () => void;
  pending: boolean;
  serverErrors?: EnrollmentErrors | undefined;
}

export function EnrollmentFormView({
  onSubmit,
  onCancel,
  pending,
  serverErrors,
}: EnrollmentFormViewProps): ReactElement {
  const form = useFieldForm({
    initial: DEFAULT_ENROLLMENT_VALUES,
    validate: validateEnrollment,
    onSubmit,
    serverErrors,
  });
  const { values, errors: shown } = form;
  const autoApproveId = useId();
  return (
    <form
      noValidate
      aria-label="Add a device"
      className="flex flex-col gap-3 rounded border border-slate-300 bg-white p-3"
      onSubmit={form.submit}
    >
      <h2 className="text-sm font-semibold">Add a device: create an enrollment token</h2>
      <div className="flex flex-wrap items-start gap-3">
        <FormField
          label="Labels"
          {...form.field("labels")}
          hint="key=value, comma-separated; given to every device enrolled with it (optional)"
          className="min-w-72 flex-1"
        />
        <FormField
          label="Expires in (hours)"
          inputMode="numeric"
          {...form.field("expiresInHours")}
          hint="empty: never expires"
          className="w-40"
        />
        <FormField
          label="Max uses"
          inputMode="numeric"
          {...form.field("maxUses")}
          hint="devices it may enroll"
          className="w-32"
        />
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <FormField
          label="Description"
          {...form.field("description")}
          hint="optional, e.g. the shipment it is for"
          className="min-w-72 flex-1"
        />
        <div className="flex items-center gap-2 pt-6">
          <input
            id={autoApproveId}
            type="checkbox"
            name="autoApprove"
            checked={values.autoApprove}
            onChange={(event) => {
              form.set({ ...values, autoApprove: event.target.checked });
            }}
          />
          <label htmlFor={autoApproveId} className="text-sm text-slate-800">
            Approve devices at once (no review)
          </label>
        </div>
      </div>
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-slate-800 px-4 py-1.5 text-sm text-white disabled:opacity-50"
        >
          {pending ? "Creating…" : "Create enrollment token"}
        </button>
        <button type="button" className="text-sm underline" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {shown.form && (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
          {shown.form}
        </p>
      )}
    </form>
  );
}

/** What the page shows once after creating a token. */
export interface CreatedToken {
  name: string;
  command: string;
  expiresAt?: string | undefined;
  maxUses: number;
  autoApprove: boolean;
}

export function EnrollmentTokenView({
  token,
  onDone,
}: {
  token: CreatedToken;
  onDone: () => void;
}): ReactElement {
  const [copied, setCopied] = useState(false);
  const uses = token.maxUses === 1 ? "one device" : `up to ${token.maxUses} devices`;
  return (
    <section
      aria-label="New enrollment token"
      className="flex flex-col gap-2 rounded border border-emerald-300 bg-emerald-50 p-3 text-sm"
    >
      <p>
        Enrollment token <code>{token.name}</code> created for {uses}
        {token.expiresAt === undefined ? ", without expiry" : `, valid until ${token.expiresAt}`}.
        {token.autoApprove ? " Devices enrolled with it are approved at once." : ""} Run this on the
        device; <strong>it is shown only once</strong>:
      </p>
      <pre
        aria-label="Enroll command"
        className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 font-mono text-xs text-slate-50"
      >
        {token.command}
      </pre>
      <div className="flex gap-3">
        <button
          type="button"
          className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs"
          onClick={() => {
            void navigator.clipboard.writeText(token.command).then(() => {
              setCopied(true);
            });
          }}
        >
          {copied ? "Copied" : "Copy command"}
        </button>
        <button type="button" className="text-xs underline" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

export function AddDevice({ enrollment }: { enrollment: boolean }): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  // Held only while shown: "Done" drops the token text from memory.
  const [created, setCreated] = useState<CreatedToken | undefined>(undefined);
  const create = useMutation(
    trpc.enrollmentTokens.create.mutationOptions({
      onSuccess: ({ name, command, expiresAt, maxUses, autoApprove }) => {
        setCreated({ name, command, expiresAt, maxUses, autoApprove });
        create.reset();
        setOpen(false);
        void queryClient.invalidateQueries({ queryKey: trpc.enrollmentTokens.list.queryKey() });
      },
    }),
  );
  if (created !== undefined) {
    return (
      <EnrollmentTokenView
        token={created}
        onDone={() => {
          setCreated(undefined);
        }}
      />
    );
  }
  if (!enrollment) {
    return (
      <p className="rounded bg-amber-50 p-2 text-sm text-amber-900">
        This dashboard does not know where devices enroll (ENROLLMENT_URL), so it creates no
        enrollment tokens; use iot-operator enrollment create (docs/devices.md).
      </p>
    );
  }
  if (!open) {
    return (
      <div>
        <button
          type="button"
          className="rounded bg-slate-800 px-4 py-1.5 text-sm text-white"
          onClick={() => {
            setOpen(true);
          }}
        >
          Add device
        </button>
      </div>
    );
  }
  return (
    <EnrollmentFormView
      onSubmit={(input) => {
        create.mutate(input);
      }}
      onCancel={() => {
        create.reset();
        setOpen(false);
      }}
      pending={create.isPending}
      serverErrors={formErrorsOf(create.error, enrollmentFieldFor)}
    />
  );
}
