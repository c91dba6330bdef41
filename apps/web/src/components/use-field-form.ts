"use client";
// A form whose values are checked before anything is sent: each problem sits on
// its field (the browser's own check first, then the server's answer for a
// field the browser could not judge), and only valid input reaches onSubmit.
import { useState, type SyntheticEvent } from "react";
import { bindFields, type TextBinding, type TextKey } from "./field-binding";

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

export type Validated<Input, Field extends string> =
  { ok: true; input: Input } | { ok: false; errors: FieldErrors<Field> };

export interface FieldForm<Values, Field extends string> {
  values: Values;
  /** What each field shows: this form's own check, else the server's. */
  errors: FieldErrors<Field>;
  /** An input's onChange for a text field. */
  change: (field: TextKey<Values>) => TextBinding["onChange"];
  /** A text field's props for FormField: its name, value, onChange and error. */
  field: <Name extends TextKey<Values> & Field>(
    name: Name,
  ) => {
    name: Name;
    value: string;
    onChange: (event: { target: { value: string } }) => void;
    error: string | undefined;
  };
  set: (values: Values) => void;
  submit: (event: SyntheticEvent) => void;
}

export function useFieldForm<Values, Input, Field extends string>(options: {
  initial: Values;
  validate: (values: Values) => Validated<Input, Field>;
  onSubmit: (input: Input) => void;
  serverErrors?: FieldErrors<Field> | undefined;
}): FieldForm<Values, Field> {
  const [values, setValues] = useState<Values>(options.initial);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const shown: FieldErrors<Field> = { ...options.serverErrors, ...errors };
  const bind = bindFields(values, setValues);
  return {
    values,
    errors: shown,
    change: (field) => bind.text(field).onChange,
    field: (name) => ({ name, ...bind.text(name), error: shown[name] }),
    set: setValues,
    submit: (event) => {
      event.preventDefault();
      const result = options.validate(values);
      setErrors(result.ok ? {} : result.errors);
      if (result.ok) options.onSubmit(result.input);
    },
  };
}
