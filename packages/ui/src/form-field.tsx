"use client";
// A labelled input whose validation error sits right under it, tied by aria-describedby.
import { type InputHTMLAttributes, type ReactElement } from "react";
import { FieldFrame } from "./field-frame.js";

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
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className}>
      {(control) => <input {...control} {...input} />}
    </FieldFrame>
  );
}
