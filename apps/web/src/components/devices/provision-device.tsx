"use client";
// Provision a device with a credential file (deployers, on a dashboard with the
// IdP admin key): an id and labels, validated with the contracts' schemas
// before the request; the new credential file downloads once and is dropped
// from memory. Errors sit at their field, or under the form. Enrollment
// ("Add device", add-device.tsx) is the usual way; this one is for devices
// that cannot reach the enrollment server.
import { FormField } from "@fleet/ui";
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import {
  deviceFieldFor,
  validateDevice,
  type AddDeviceErrors,
  type AddDeviceValues,
} from "../../devices/form-model";
import type { AddDeviceInput } from "../../devices/inputs";
import { downloadCredentials } from "../../devices/download";
import { useTRPC } from "../../trpc/react";
import { formErrorsOf } from "../../trpc/server-errors";
import { useFieldForm } from "../use-field-form";

export interface ProvisionDeviceFormViewProps {
  onSubmit: (input: AddDeviceInput) => void;
  pending: boolean;
  serverErrors?: AddDeviceErrors | undefined;
}

const empty: AddDeviceValues = { id: "", labels: "" };

export function ProvisionDeviceFormView({
  onSubmit,
  pending,
  serverErrors,
}: ProvisionDeviceFormViewProps): ReactElement {
  const form = useFieldForm({ initial: empty, validate: validateDevice, onSubmit, serverErrors });
  const shown = form.errors;
  return (
    <form
      noValidate
      aria-label="Provision a device"
      className="flex flex-wrap items-start gap-3 rounded border border-slate-200 bg-white p-3"
      onSubmit={form.submit}
    >
      <FormField
        label="Device id"
        {...form.field("id")}
        hint="lowercase letters, digits and '-', e.g. pi-7"
      />
      <FormField
        label="Labels"
        {...form.field("labels")}
        hint="key=value, comma-separated (optional)"
        className="min-w-64 flex-1"
      />
      <div className="flex flex-col gap-1 pt-6">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-slate-800 px-4 py-1.5 text-sm text-white disabled:opacity-50"
        >
          {pending ? "Provisioning…" : "Provision device"}
        </button>
      </div>
      {shown.form && (
        <p role="alert" className="w-full rounded bg-red-50 p-2 text-sm text-red-800">
          {shown.form}
        </p>
      )}
    </form>
  );
}

export function ProvisionDevice({ onNotice }: { onNotice: (text: string) => void }): ReactElement {
  const trpc = useTRPC();
  // A new form (empty fields) after each device added.
  const [added, setAdded] = useState(0);
  const add = useMutation(
    trpc.devices.add.mutationOptions({
      onSuccess: ({ credentials }) => {
        const file = downloadCredentials(credentials);
        // The key leaves memory with the mutation's result; the download is its only copy.
        add.reset();
        setAdded((count) => count + 1);
        onNotice(
          `Device ${credentials.deviceId} added. Downloaded ${file} (shown only once): install it on the device with iot-agent --credentials <file>.`,
        );
      },
    }),
  );
  return (
    <ProvisionDeviceFormView
      key={added}
      onSubmit={(input) => {
        add.mutate(input);
      }}
      pending={add.isPending}
      serverErrors={formErrorsOf(add.error, deviceFieldFor)}
    />
  );
}
