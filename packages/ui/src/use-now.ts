"use client";
// One clock for every relative time on the page: a single 1 s timer shared by
// all subscribers (a table of 10 000 rows must not start 10 000 intervals),
// running only while something is mounted. A render with nothing subscribed
// (on the server, or before the first effect) reads the clock afresh: a value
// kept since the module loaded would date a server render minutes back.
import { useSyncExternalStore } from "react";

const TICK_MS = 1000;
const listeners = new Set<() => void>();
let current = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  current = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    current = Date.now();
    timer = setInterval(tick, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function snapshot(): number {
  // Nothing subscribed (a server render, a first render in the browser): read the
  // clock now, rounded up to the second so that repeated reads within one render
  // agree and a moment just past is never shown as ahead of now.
  if (timer === undefined) current = Math.ceil(Date.now() / 1000) * 1000;
  return current;
}

/** The current time in ms, updated every second while the component is mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
