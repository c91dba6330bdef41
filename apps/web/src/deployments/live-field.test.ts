import { describe, expect, it } from "vitest";
import {
  beginEdit,
  changedMeanwhile,
  isDirty,
  settleEdit,
  shownValue,
  typeText,
  type FieldState,
} from "./live-field";

describe("live form field - follows the spec unless being edited", () => {
  it("shows each new live value while nobody edits it", () => {
    const idle: FieldState = undefined;
    expect(shownValue("nginx:1.0", idle)).toBe("nginx:1.0");
    expect(shownValue("nginx:1.1", idle)).toBe("nginx:1.1");
  });

  it("holds still while focused, even when the live value changes", () => {
    const focused = beginEdit("nginx:1.0", undefined);
    expect(shownValue("nginx:1.1", focused)).toBe("nginx:1.0");
    expect(isDirty(focused)).toBe(false);
    expect(changedMeanwhile("nginx:1.1", focused)).toBe(true);
  });

  it("a focused field left unchanged follows the live value again on blur", () => {
    const focused = beginEdit("nginx:1.0", undefined);
    expect(shownValue("nginx:1.1", settleEdit(focused))).toBe("nginx:1.1");
  });

  it("keeps what the person typed through live changes and blur", () => {
    const typed = typeText("nginx:1.0", beginEdit("nginx:1.0", undefined), "nginx:2.0");
    expect(isDirty(typed)).toBe(true);
    const afterBlur = settleEdit(typed);
    expect(shownValue("nginx:1.1", afterBlur)).toBe("nginx:2.0");
    expect(changedMeanwhile("nginx:1.1", afterBlur)).toBe(true);
  });

  it("typing without a focus event still starts from the live value", () => {
    const typed = typeText("nginx:1.0", undefined, "nginx:1.0x");
    expect(typed).toEqual({ text: "nginx:1.0x", base: "nginx:1.0" });
  });

  it("typing back to the original makes it clean again", () => {
    const edit = typeText("a", typeText("a", undefined, "ab"), "a");
    expect(isDirty(edit)).toBe(false);
    expect(settleEdit(edit)).toBeUndefined();
  });
});
