"use client";
// A labelled input whose validation error sits right under it, tied by aria-describedby.
import { useId, type InputHTMLAttributes, type ReactElement } from "react";
import { cn } from "./cn.js";

export interface FormFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string | undefined;
  hint?: string;
}

export function FormField({
  label,
  error,
  hint,
  className,
  ...input
}: FormFieldProps): ReactElement {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        className={cn(
          "rounded border px-2 py-1 text-sm",
          error ? "border-red-500" : "border-slate-300",
        )}
        {...input}
      />
      {hint && !error && <p className="text-xs text-slate-500">{hint}</p>}
      {error && (
        <p id={errorId} role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
