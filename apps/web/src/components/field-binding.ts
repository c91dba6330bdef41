// Binds form controls to one field of a values object that the caller owns: each change hands
// back a copy of the values with that field replaced. Text inputs take the typed text; a select
// takes the option chosen, never a value outside its options.

/** The fields of Values that hold text. */
export type TextKey<Values> = {
  [Key in keyof Values]: Values[Key] extends string ? Key : never;
}[keyof Values] &
  string;

/** What an input or select hands its onChange. */
export interface ValueEvent {
  target: { value: string };
}

export interface TextBinding {
  value: string;
  onChange: (event: ValueEvent) => void;
}

/** A select's options as value -> the text shown for it, in order (SelectField's shape). */
export type Options<Value extends string> = readonly [
  readonly [value: Value, text: string],
  ...(readonly [value: Value, text: string])[],
];

export interface ChoiceBinding<Value extends string> {
  options: Options<Value>;
  value: Value;
  onChange: (event: ValueEvent) => void;
}

export interface FieldBindings<Values> {
  text: (key: TextKey<Values>) => TextBinding;
  choice: <Key extends TextKey<Values>>(
    key: Key,
    options: Options<Values[Key] & string>,
  ) => ChoiceBinding<Values[Key] & string>;
}

export function bindFields<Values>(
  values: Values,
  onChange: (values: Values) => void,
): FieldBindings<Values> {
  return {
    text: (key) => ({
      value: String(values[key]),
      onChange: (event) => {
        onChange({ ...values, [key]: event.target.value });
      },
    }),
    choice: (key, options) => ({
      options,
      value: values[key] as Values[typeof key] & string,
      onChange: (event) => {
        // The first option stands for anything else, as a select offers nothing else.
        const chosen = options.find(([value]) => value === event.target.value) ?? options[0];
        onChange({ ...values, [key]: chosen[0] });
      },
    }),
  };
}
