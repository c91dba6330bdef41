"use client";
// A deployer's actions on one device: approve a pending enrollment and edit
// labels (both open the editor above the table), disable or enable; with the
// IdP admin key also rotate its key (the new credential file downloads once)
// and remove it (after a confirmation). The server decides with the user's own
// Kubernetes identity; errors show inline. The list follows by push.
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import type { DeviceRowView } from "../../devices/device-rows";
import { downloadCredentials } from "../../devices/download";
import { useTRPC } from "../../trpc/react";

const button =
  "rounded border px-2 py-0.5 text-xs disabled:opacity-50 border-slate-300 text-slate-800";

/** What the editor above the table is open for. */
export type DeviceEdit = { kind: "approve" | "labels"; device: DeviceRowView };

export function DeviceActions({
  device,
  provisioning,
  onEdit,
  onNotice,
}: {
  device: DeviceRowView;
  /** The dashboard holds the IdP admin key: key rotation and removal are offered. */
  provisioning: boolean;
  onEdit: (edit: DeviceEdit) => void;
  /** A sentence for the page (e.g. which file was downloaded). */
  onNotice: (text: string) => void;
}): ReactElement {
  const trpc = useTRPC();
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const toggled = (what: string) => (): void => {
    onNotice(`Device ${device.id} ${what}.`);
  };
  const disable = useMutation(
    trpc.devices.disable.mutationOptions({ onSuccess: toggled("disabled") }),
  );
  const enable = useMutation(
    trpc.devices.enable.mutationOptions({ onSuccess: toggled("enabled") }),
  );
  const toggle = device.disabled ? enable : disable;
  const rotate = useMutation(
    trpc.devices.rotateKey.mutationOptions({
      onSuccess: ({ credentials }) => {
        const file = downloadCredentials(credentials);
        // The key leaves memory with the mutation's result.
        rotate.reset();
        onNotice(
          `Device ${device.id} has a new key; its old key no longer works. Downloaded ${file}: replace the file on the device.`,
        );
      },
    }),
  );
  const remove = useMutation(
    trpc.devices.remove.mutationOptions({ onSuccess: toggled("removed") }),
  );
  const error = disable.error ?? enable.error ?? rotate.error ?? remove.error;
  const pending = disable.isPending || enable.isPending || rotate.isPending || remove.isPending;
  const awaitingApproval = device.phase === "PendingApproval" && !device.approved;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {awaitingApproval && (
        <button
          type="button"
          className="rounded bg-emerald-700 px-2 py-0.5 text-xs text-white disabled:opacity-50"
          disabled={pending || device.enrollment === undefined}
          onClick={() => {
            onEdit({ kind: "approve", device });
          }}
        >
          Approve
        </button>
      )}
      <button
        type="button"
        className={button}
        disabled={pending}
        onClick={() => {
          onEdit({ kind: "labels", device });
        }}
      >
        Edit labels
      </button>
      <button
        type="button"
        className={button}
        disabled={pending}
        onClick={() => {
          toggle.mutate({ id: device.id });
        }}
      >
        {device.disabled ? "Enable" : "Disable"}
      </button>
      {provisioning && (
        <button
          type="button"
          className={button}
          disabled={pending || device.keyId === undefined}
          onClick={() => {
            rotate.mutate({ id: device.id });
          }}
        >
          Rotate key
        </button>
      )}
      {provisioning &&
        (confirmingRemove ? (
          <span role="dialog" aria-label={`Confirm removing ${device.id}`} className="flex gap-1">
            <button
              type="button"
              className="rounded bg-red-600 px-2 py-0.5 text-xs text-white disabled:opacity-50"
              disabled={pending}
              onClick={() => {
                remove.mutate({ id: device.id });
              }}
            >
              Yes, remove
            </button>
            <button
              type="button"
              className="text-xs underline"
              onClick={() => {
                setConfirmingRemove(false);
              }}
            >
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-700 disabled:opacity-50"
            disabled={pending}
            onClick={() => {
              setConfirmingRemove(true);
            }}
          >
            Remove
          </button>
        ))}
      {error && (
        <span role="alert" className="truncate text-xs text-red-800" title={error.message}>
          {error.message}
        </span>
      )}
    </div>
  );
}
