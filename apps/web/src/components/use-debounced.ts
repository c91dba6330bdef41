"use client";
// A value that follows another once it has stopped changing for `delayMs`:
// a request per typing pause, not per keystroke.
import { useEffect, useState } from "react";

/** Typing pause before a filter or preview asks the server. */
export const TYPING_PAUSE_MS = 300;

export function useDebounced<T>(value: T, delayMs: number = TYPING_PAUSE_MS): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettled(value);
    }, delayMs);
    return () => {
      clearTimeout(timer);
    };
  }, [value, delayMs]);
  return settled;
}
