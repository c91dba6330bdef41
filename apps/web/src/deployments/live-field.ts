// A form field bound to a live value (the CR's spec as last pushed): it follows
// the value until the person starts editing (focus or typing), then keeps what
// they have until they submit or leave it unchanged. Pure; the form holds the state.

/** Being edited: the text, and the live value when editing began. */
export interface FieldEdit {
  text: string;
  base: string;
}

/** Undefined while the field follows the live value. */
export type FieldState = FieldEdit | undefined;

export const shownValue = (live: string, edit: FieldState): string => edit?.text ?? live;

/** Focus: hold the value shown now, so it does not change under the cursor. */
export const beginEdit = (live: string, edit: FieldState): FieldEdit =>
  edit ?? { text: live, base: live };

export const typeText = (live: string, edit: FieldState, text: string): FieldEdit => ({
  text,
  base: edit?.base ?? live,
});

/** Blur: a field left as it was follows the live value again; a changed one keeps its text. */
export const settleEdit = (edit: FieldState): FieldState =>
  edit !== undefined && edit.text === edit.base ? undefined : edit;

export const isDirty = (edit: FieldState): boolean => edit !== undefined && edit.text !== edit.base;

/** The live value moved on while the person was editing (say so next to the field). */
export const changedMeanwhile = (live: string, edit: FieldState): boolean =>
  edit !== undefined && edit.base !== live;
