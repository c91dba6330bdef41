"use client";
// The frame every labelled form control shares: the label tied to the control, a hint, and the
// validation error right under it, announced as an alert and tied to the control by aria-describedby.
import { useId, type ReactElement, type ReactNode } from "react";
import { cn } from "./cn.js";

/** What the framed control must carry so that its label and error belong to it. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  className: string;
}

export interface FieldFrameProps {
  label: string;
  error?: string | undefined;
  /** Shown under the control while there is no error. */
  hint?: string | undefined;
  className?: string | undefined;
  children: (control: FieldControlProps) => ReactNode;
}

export function FieldFrame({
  label,
  error,
  hint,
  className,
  children,
}: FieldFrameProps): ReactElement {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": error ? errorId : undefined,
        className: cn(
          "rounded border px-2 py-1 text-sm",
          error ? "border-red-500" : "border-slate-300",
        ),
      })}
      {hint && !error && <p className="text-xs text-slate-500">{hint}</p>}
      {error && (
        <p id={errorId} role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
