import { describe, expect, it } from "vitest";
import { CLIP_MARK, clipMessage, clippedText } from "./clip.js";
import { MESSAGE_MAX_LENGTH } from "./limits.js";

describe("clip", () => {
  it("clipMessage - leaves a text at the limit alone and marks a cut one", () => {
    const atLimit = "x".repeat(MESSAGE_MAX_LENGTH);
    expect(clipMessage(atLimit)).toBe(atLimit);
    const clipped = clipMessage(`${atLimit}y`);
    expect(clipped).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(clipped.endsWith(CLIP_MARK)).toBe(true);
    expect(clipped.startsWith("x".repeat(MESSAGE_MAX_LENGTH - 1))).toBe(true);
  });

  it("clipMessage - never splits a surrogate pair", () => {
    // "😀" is two UTF-16 code units; a naive cut at 9 units would leave half of one.
    const text = "😀".repeat(10);
    const clipped = clipMessage(text, 10);
    expect(clipped.length).toBeLessThanOrEqual(10);
    expect(clipped).toBe(`${"😀".repeat(4)}${CLIP_MARK}`);
    expect(() => encodeURIComponent(clipped)).not.toThrow(); // throws on a lone surrogate
  });

  it("clipMessage - a 600 KB text becomes MESSAGE_MAX_LENGTH long", () => {
    expect(clipMessage("e".repeat(600_000))).toHaveLength(MESSAGE_MAX_LENGTH);
  });

  it("clippedText - clips on parse instead of rejecting, and states its maximum", () => {
    const schema = clippedText(8);
    expect(schema.parse("0123456789")).toBe(`0123456${CLIP_MARK}`);
    expect(schema.parse("short")).toBe("short");
    expect(schema.maxLength).toBe(8);
  });
});
