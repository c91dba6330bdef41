"use client";
// A labelled select whose validation error sits right under it, like FormField.
import { useId, type ReactElement, type SelectHTMLAttributes } from "react";
import { cn } from "./cn.js";

export interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  /** value -> the text shown for it, in order. */
  options: readonly (readonly [value: string, text: string])[];
  error?: string | undefined;
}

export function SelectField({
  label,
  options,
  error,
  className,
  ...select
}: SelectFieldProps): ReactElement {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        className={cn(
          "rounded border bg-white px-2 py-1 text-sm",
          error ? "border-red-500" : "border-slate-300",
        )}
        {...select}
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      {error && (
        <p id={errorId} role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
