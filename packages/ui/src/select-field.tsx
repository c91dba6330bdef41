"use client";
// A labelled select whose validation error sits right under it, like FormField.
import { type ReactElement, type SelectHTMLAttributes } from "react";
import { cn } from "./cn.js";
import { FieldFrame } from "./field-frame.js";

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
  return (
    <FieldFrame label={label} error={error} className={className}>
      {(control) => (
        <select {...control} className={cn(control.className, "bg-white")} {...select}>
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
