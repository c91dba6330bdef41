import { describe, expect, it } from "vitest";
import { formatTable } from "./report.js";

describe("formatTable", () => {
  it("pads each column to its widest cell, two spaces apart, without trailing blanks", () => {
    expect(
      formatTable(
        ["figure", "value"],
        [
          ["p50", "12 ms"],
          ["a-longer-name", ""],
        ],
      ),
    ).toBe("figure         value\np50            12 ms\na-longer-name\n");
  });
});
