// Clipping of free text (errors, events) to a bounded length. Texts come from
// podman, the network and user input, so their length is nobody's promise:
// every place a text enters a heartbeat or a CR status clips it here.
import { z } from "zod";
import { MESSAGE_MAX_LENGTH } from "./limits.js";

/** Appended to a clipped text so a reader can tell it was cut. */
export const CLIP_MARK = "…";

/**
 * Returns `text` unchanged if it has at most `max` UTF-16 code units, else its
 * start followed by "…", `max` code units in all. Never splits a surrogate
 * pair, so the result is valid Unicode and also has at most `max` characters
 * as the API server counts them (code points).
 */
export function clipMessage(text: string, max: number = MESSAGE_MAX_LENGTH): string {
  if (text.length <= max) return text;
  if (max < CLIP_MARK.length) return text.slice(0, Math.max(0, max));
  let end = max - CLIP_MARK.length;
  const last = text.charCodeAt(end - 1);
  // A high surrogate at the cut would be left without its low half.
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + CLIP_MARK;
}

/**
 * A string schema that clips instead of rejecting, and tells JSON Schema (the
 * CRD) its maximum. For texts a reader must tolerate from older writers: an
 * over-long message is shortened, it never makes the whole payload invalid.
 */
export function clippedText(max: number = MESSAGE_MAX_LENGTH): z.ZodString {
  return z
    .string()
    .overwrite((text) => clipMessage(text, max))
    .max(max);
}
