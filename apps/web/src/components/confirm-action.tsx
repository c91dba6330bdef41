"use client";
// A destructive action asked twice: its button opens an inline dialog naming what will happen;
// "yes" runs the action, "cancel" puts the button back. The caller's mutation decides when the
// dialog closes (it gets `close`), so a failed attempt keeps the dialog and its error on screen.
import { useState, type ReactElement, type ReactNode } from "react";

export interface ConfirmActionProps {
  /** The button that asks, and its look. */
  label: string;
  className: string;
  /** Nothing can be done (the deployment is going away): the button is disabled, no dialog. */
  disabled?: boolean;
  /** An action is running: the buttons that would start another are disabled. */
  busy?: boolean;
  /** The dialog's accessible name, e.g. "Confirm delete". */
  dialogLabel: string;
  confirmLabel: string;
  onConfirm: (close: () => void) => void;
  /** Why the last attempt failed, shown in the dialog. */
  error?: string | undefined;
  /** The question: what will happen. */
  children: ReactNode;
}

export function ConfirmAction({
  label,
  className,
  disabled = false,
  busy = false,
  dialogLabel,
  confirmLabel,
  onConfirm,
  error,
  children,
}: ConfirmActionProps): ReactElement {
  const [confirming, setConfirming] = useState(false);
  if (!confirming || disabled) {
    return (
      <button
        type="button"
        disabled={disabled || busy}
        className={className}
        onClick={() => {
          setConfirming(true);
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <div
      role="dialog"
      aria-label={dialogLabel}
      className="flex items-center gap-2 rounded border border-red-300 bg-red-50 px-3 py-1 text-sm"
    >
      <span>{children}</span>
      <button
        type="button"
        className="rounded bg-red-600 px-2 py-0.5 text-white disabled:opacity-50"
        disabled={busy}
        onClick={() => {
          onConfirm(() => {
            setConfirming(false);
          });
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="underline"
        onClick={() => {
          setConfirming(false);
        }}
      >
        Cancel
      </button>
      {error && (
        <span role="alert" className="text-red-800">
          {error}
        </span>
      )}
    </div>
  );
}
