import { describe, expect, it, vi } from "vitest";
import { bindFields, type ValueEvent } from "./field-binding";

interface Values {
  batches: string;
  approval: "auto" | "manual";
  enabled: boolean;
}
const values: Values = { batches: "1", approval: "auto", enabled: true };
const APPROVAL = [
  ["auto", "Automatic"],
  ["manual", "Manual"],
] as const;
const typed = (value: string): ValueEvent => ({ target: { value } });

describe("field binding - one field of the caller's values", () => {
  it("a text field shows its value and hands back the values with only it replaced", () => {
    const onChange = vi.fn();
    const batches = bindFields(values, onChange).text("batches");
    expect(batches.value).toBe("1");
    batches.onChange(typed("1,50%"));
    expect(onChange).toHaveBeenCalledWith({ ...values, batches: "1,50%" });
  });

  it("a select takes the option chosen, and the first option for anything else", () => {
    const onChange = vi.fn();
    const approval = bindFields(values, onChange).choice("approval", APPROVAL);
    expect(approval.value).toBe("auto");
    expect(approval.options).toBe(APPROVAL);
    approval.onChange(typed("manual"));
    approval.onChange(typed("sometimes"));
    expect(onChange.mock.calls).toEqual([
      [{ ...values, approval: "manual" }],
      [{ ...values, approval: "auto" }],
    ]);
  });
});
