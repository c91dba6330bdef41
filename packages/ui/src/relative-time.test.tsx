import { act, render, screen } from "@testing-library/react";
import { renderToString } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RelativeTime } from "./relative-time.js";

describe("relative time - component", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2026-01-01T12:00:10Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows the age, the exact time on hover and the machine-readable value", () => {
    render(<RelativeTime at="2026-01-01T12:00:00Z" />);
    const time = screen.getByText("10 s ago");
    expect(time.tagName).toBe("TIME");
    expect(time.getAttribute("dateTime")).toBe("2026-01-01T12:00:00Z");
    expect(time.getAttribute("title")).toMatch(/1 Jan 2026, \d\d:\d\d:00/);
    expect(time.className).toContain("whitespace-nowrap");
  });

  it("keeps moving as time passes", () => {
    render(<RelativeTime at="2026-01-01T12:00:00Z" />);
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(screen.getByText("1 min ago")).toBeDefined();
  });

  it("uses a given clock when there is one", () => {
    render(<RelativeTime at="2026-01-01T12:00:00Z" now={Date.parse("2026-01-01T12:03:00Z")} />);
    expect(screen.getByText("3 min ago")).toBeDefined();
  });
});

describe("relative time - the clock with nothing subscribed", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a server render reads the time afresh, not the time the clock last ticked", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2026-01-01T12:00:10Z"));
    render(<RelativeTime at="2026-01-01T12:00:00Z" />).unmount();
    vi.setSystemTime(Date.parse("2026-01-01T12:05:00Z"));
    const html = renderToString(<RelativeTime at="2026-01-01T12:04:58Z" />);
    expect(html).toContain("2 s ago");
  });
});
